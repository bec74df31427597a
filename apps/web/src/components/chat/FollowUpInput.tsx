/**
 * The chat's composer while the selected session's agent is running: a follow-up prompt to that
 * agent. It takes the focus when it appears (the one input the reader is expected to type in).
 * On a completed task (`resumesTask`) it says that the follow-up resumes the task: it runs again
 * in a new workspace on its branch, the agent handed the conversation so far (issue 15 item 3).
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, errorText } from '../../lib/api';

/**
 * @param actions more controls shown after the Send button (the chat's "New task")
 * @param resumesTask the session's task has completed: sending resumes it
 */
export function FollowUpInput({ projectId, sessionId, actions, resumesTask = false }: { projectId: string; sessionId: string; actions?: ReactNode; resumesTask?: boolean }) {
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [sessionId]);
  const send = useMutation({
    mutationFn: (prompt: string) => api.sendFollowUpPrompt(projectId, sessionId, prompt),
    onSuccess: () => setText(''),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) send.mutate(text);
  };

  const error = send.error instanceof ApiError && send.error.notFound ? 'Follow-ups are not available on this server yet.' : send.isError ? errorText(send.error) : null;
  return (
    <form className="follow-up" onSubmit={submit}>
      <label htmlFor={`follow-up-${sessionId}`}>{resumesTask ? 'Follow-up that resumes the task' : 'Follow-up to the running agent'}</label>
      <div className="row">
        <input
          ref={input}
          id={`follow-up-${sessionId}`}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={resumesTask ? 'Ask for more…' : 'Send a follow-up to the running agent…'}
          aria-describedby={resumesTask ? `follow-up-resume-${sessionId}` : undefined}
        />
        <button type="submit" disabled={send.isPending || !text.trim()}>
          Send
        </button>
        {actions}
      </div>
 {resumesTask && (
        <p id={`follow-up-resume-${sessionId}`} className="follow-up-resume-note small">
          This task has completed. Sending resumes it: a new workspace on its branch, the agent gets the conversation so far, and a new commit lands on the same branch.
        </p>
      )}
      {error && <p role="alert" className="error small">{error}</p>}
    </form>
  );
}
