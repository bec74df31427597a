/**
 * The comments of a review, listed with their file and line(s), and "Send review": all of them as
 * ONE follow-up prompt to the task's chat session (lib/review.ts formats it). A refusal is shown
 * as the API said it (e.g. 409 while a completed task's session cannot take a follow-up).
 */
import { useState } from 'react';
import { api, errorText } from '../../lib/api';
import { formatReview, lineWords } from '../../lib/review';
import type { DraftComment } from './FileDiff';

interface Props {
  projectId: string;
  sessionId: string;
  comments: readonly DraftComment[];
  /** The files' paths in diff order (the order of the comments in the prompt). */
  order: readonly string[];
  onRemove: (id: string) => void;
  /** The review was sent: the comments can go. */
  onSent: () => void;
}

export function ReviewComments({ projectId, sessionId, comments, order, onRemove, onSent }: Props) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<number | null>(null);

  const send = async () => {
    setSending(true);
    setError(null);
    setSent(null);
    try {
      await api.sendFollowUpPrompt(projectId, sessionId, formatReview(comments, order));
      setSent(comments.length);
      onSent();
    } catch (e) {
      setError(`The review was not sent: ${errorText(e)}`);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="review-comments" aria-label="Review comments">
      <h3 className="review-comments-title">
        {comments.length === 0 ? 'No comments yet' : comments.length === 1 ? '1 comment' : `${comments.length} comments`}
      </h3>
      {comments.length === 0 && <p className="small muted">Select a line number in the diff (shift-click for several lines) to comment on it.</p>}
      {comments.length > 0 && (
        <ul className="review-comment-list">
          {comments.map((comment) => (
            <li key={comment.id}>
              <span className="small">
                <code>{comment.path}</code> {lineWords(comment)}
              </span>
              <p>{comment.text}</p>
              <button type="button" className="link-button small" onClick={() => onRemove(comment.id)} aria-label={`Remove the comment on ${lineWords(comment)} of ${comment.path}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" className="primary" disabled={comments.length === 0 || sending} onClick={() => void send()}>
          {sending ? 'Sending…' : 'Send review'}
        </button>
        {sent !== null && (
          <span role="status" className="small">
            Review sent: the agent got {sent === 1 ? '1 comment' : `${sent} comments`}.
          </span>
        )}
      </div>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </section>
  );
}
