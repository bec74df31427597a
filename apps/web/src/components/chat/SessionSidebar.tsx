/**
 * Sessions of the project, newest first: topic, status in words, linked task title, relative
 * time, a live mark only while the session's agent runs, and a "Workspace gone" mark when the
 * workspace was removed (the conversation is kept).
 */
import { memo } from 'react';
import { errorText } from '../../lib/api';
import type { SessionWithTask } from '@flotilla/contracts';
import { relativeTime } from '../../lib/time';
import { ARCHIVED_WORDS, isSessionLive } from '../../lib/status-words';
import { StatusBadge } from '../ui/StatusBadge';

interface Props {
  id: string;
  open: boolean;
  sessions: SessionWithTask[] | undefined;
  loading: boolean;
  error: unknown;
  selectedId: string | null;
  onSelect(sessionId: string): void;
}

export const SessionSidebar = memo(function SessionSidebar({ id, open, sessions, loading, error, selectedId, onSelect }: Props) {
  return (
    <nav id={id} className={open ? 'sidebar open' : 'sidebar'} aria-label="Chat sessions">
      <h2 className="sidebar-title">Sessions</h2>
      {loading && <p className="muted small">Loading sessions…</p>}
      {error !== null && error !== undefined && <p role="alert" className="error small">{errorText(error)}</p>}
      {sessions?.length === 0 && <p className="muted small">No sessions yet. Describe a task below to start one.</p>}
      <ul className="session-list">
        {sessions?.map((session) => (
          <li key={session.id}>
            <button
              type="button"
              className={session.id === selectedId ? 'session selected' : 'session'}
              aria-current={session.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(session.id)}
            >
              <span className="session-topic">
                {isSessionLive(session.status, session.task?.status ?? null) && <span className="live-dot" aria-label="live" role="img" />}
                {session.task?.title ?? session.topic ?? 'Untitled session'}
              </span>
              <span className="session-meta">
                {session.task && <StatusBadge status={session.task.status} />}
                {isArchived(session) && (
                  <span className="archive" title={ARCHIVED_WORDS.explanation}>
                    {ARCHIVED_WORDS.label}
                  </span>
                )}
                <time dateTime={session.updatedAt} className="muted small">
                  {relativeTime(session.updatedAt)}
                </time>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
});

/** The workspace of a finished task is destroyed on completion; only its conversation remains. */
function isArchived(session: SessionWithTask): boolean {
  return session.status === 'stopped' && (session.task?.status === 'completed' || session.workspaceId === null);
}
