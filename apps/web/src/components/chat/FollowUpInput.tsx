/**
 * The chat's composer while the selected session's agent is running: a follow-up prompt to that
 * agent. It takes the focus when it appears (the one input the reader is expected to type in).
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, errorText } from '../../lib/api';

/** @param actions more controls shown after the Send button (the chat's "New task") */
export function FollowUpInput({ projectId, sessionId, actions }: { projectId: string; sessionId: string; actions?: ReactNode }) {
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
      <label htmlFor={`follow-up-${sessionId}`}>Follow-up to the running agent</label>
      <div className="row">
        <input ref={input} id={`follow-up-${sessionId}`} value={text} onChange={(e) => setText(e.target.value)} placeholder="Send a follow-up to the running agent…" />
        <button type="submit" disabled={send.isPending || !text.trim()}>
          Send
        </button>
        {actions}
      </div>
      {error && <p role="alert" className="error small">{error}</p>}
    </form>
  );
}
