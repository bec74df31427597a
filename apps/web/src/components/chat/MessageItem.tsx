/**
 * One chat message, styled by role: markdown for the agent's text and plans, cards for tools;
 * and a message still being written (a draft), marked as such.
 */
import type { ChatDraft, ChatMessage } from '@flotilla/contracts';
import { memo } from 'react';
import { clockTime } from '../../lib/time';
import { Markdown } from './Markdown';
import { ToolCallCard } from './ToolCallCard';

const ROLE_LABELS: Record<ChatMessage['role'], string> = {
  user: 'You',
  assistant: 'Agent',
  tool: 'Tool',
  thinking: 'Thinking',
  plan: 'Plan',
  system: 'System',
};

/** Memoised: a stored message never changes, and markdown is not parsed again on every render. */
export const MessageItem = memo(function MessageItem({ message }: { message: ChatMessage }) {
  return (
    <article className={`message ${message.role}`} aria-label={`${ROLE_LABELS[message.role]} message`} data-seq={message.seq}>
      <div className="message-meta">
        <span className="role">{ROLE_LABELS[message.role]}</span>
        <time dateTime={message.createdAt} className="muted small">
          {clockTime(message.createdAt)}
        </time>
      </div>
      <MessageBody message={message} />
    </article>
  );
});

/** A message its agent is still writing: its text so far, replaced in place as it grows. */
export function DraftItem({ draft }: { draft: ChatDraft }) {
  return (
    <article className={`message ${draft.role} draft`} aria-label={`${ROLE_LABELS[draft.role]} message, being written`} aria-busy="true">
      <div className="message-meta">
        <span className="role">{ROLE_LABELS[draft.role]}</span>
        <span className="muted small writing">writing…</span>
      </div>
      <MessageBody message={{ ...draft, seq: 0, toolMetadata: null }} />
    </article>
  );
}

function MessageBody({ message }: { message: ChatMessage }) {
  if (message.role === 'tool' && message.toolMetadata) return <ToolCallCard content={message.content} tool={message.toolMetadata} />;
  if (message.role === 'assistant' || message.role === 'plan') {
    return (
      <div className="markdown">
        <Markdown text={message.content} />
      </div>
    );
  }
  return <p className="plain">{message.content}</p>;
}
