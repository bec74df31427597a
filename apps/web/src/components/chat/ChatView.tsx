/**
 * The chat view: the session sidebar, and for the selected session its header, execution steps,
 * messages (live over the project WebSocket) and one composer at the bottom. With no session in
 * the URL, the newest session is selected. The composer is the follow-up input while the selected
 * session's agent runs (a "New task" button swaps in the new-task form), and the new-task form
 * otherwise (an empty project, a finished session). On a completed task, "Follow up on this task"
 * swaps in the follow-up input that resumes the task (issue 15 item 3). A viewer of the project
 * gets a line saying they read and do not write in place of the composer (issue 14 item 2).
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useProjectRights } from '../../lib/project-role';
import { useProjectSocket } from '../../lib/project-socket';
import { hasOlderMessages, useDrafts, useLoadOlderMessages, useMessages, useSessions, useTask } from '../../lib/queries';
import { ViewerNotice } from '../members/ViewerNotice';
import { TaskSubmitForm } from '../task/TaskSubmitForm';
import { VariantComparison } from '../task/VariantComparison';
import { FollowUpInput } from './FollowUpInput';
import { MessagePanel } from './MessagePanel';
import { SessionHeader } from './SessionHeader';
import { SessionSidebar } from './SessionSidebar';

// The review of a task's diff (`?review` in the address) brings react-diff-view: loaded when opened.
const ReviewPanel = lazy(() => import('../review/ReviewPanel'));

interface Props {
  projectId: string;
  sessionId: string | null;
  active: boolean;
}

export function ChatView({ projectId, sessionId, active }: Props) {
  const navigate = useNavigate();
  const sessions = useSessions(projectId);
  const selectedId = sessionId ?? sessions.data?.[0]?.id ?? null;
  const selected = sessions.data?.find((s) => s.id === selectedId) ?? null;
  const messages = useMessages(projectId, selectedId);
  const drafts = useDrafts(projectId, selectedId);
  const loadOlder = useLoadOlderMessages(projectId, selectedId);
  const task = useTask(projectId, selected?.taskId ?? null);
  // Open the socket once the selected session's messages are cached (or once it is known there is none).
  const socketState = useProjectSocket(projectId, selectedId, selectedId === null ? sessions.isSuccess : messages.isSuccess);
  const rights = useProjectRights(projectId);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [searchParams] = useSearchParams();
  const reviewing = searchParams.has('review') && selectedId !== null && task.data !== undefined;
  /** The reader asked for the new-task form while the selected session's agent runs. */
  const [composingNew, setComposingNew] = useState(false);
  const running = selected?.task?.status === 'in_progress';
  /** A follow-up to the selected session resumes its completed task (not a task on several agents: each variant has its own session). */
  const resumable = selected?.task?.status === 'completed' && !task.data?.variants;
  /** The reader asked for the follow-up input on a completed task. */
  const [resuming, setResuming] = useState(false);
  useEffect(() => setResuming(false), [selectedId, resumable]);
  // "New task" while an agent runs: the new-task form takes the focus.
  useEffect(() => {
    if (composingNew) document.getElementById('task-description')?.focus();
  }, [composingNew]);
  // Another session, or the agent stopped: the composer follows the session again.
  useEffect(() => setComposingNew(false), [selectedId]);
  useEffect(() => {
    if (!running) setComposingNew(false);
  }, [running]);

  useEffect(() => {
    if (active && sessionId === null && selectedId !== null) void navigate(`/projects/${projectId}/chat/${selectedId}`, { replace: true });
  }, [active, sessionId, selectedId, projectId, navigate]);

  const select = useCallback(
    (id: string) => {
      setSidebarOpen(false);
      setComposingNew(false);
      void navigate(`/projects/${projectId}/chat/${id}`);
    },
    [navigate, projectId],
  );

  return (
    <section className="chat-view" hidden={!active} aria-label="Chat">
      <button type="button" className="sidebar-toggle" aria-expanded={sidebarOpen} aria-controls="session-sidebar" onClick={() => setSidebarOpen((open) => !open)}>
        {sidebarOpen ? 'Hide sessions' : 'Sessions'}
      </button>
      <SessionSidebar
        id="session-sidebar"
        open={sidebarOpen}
        sessions={sessions.data}
        loading={sessions.isPending}
        error={sessions.error}
        selectedId={selectedId}
        onSelect={select}
      />
      <div className="chat-main">
        {selected && <SessionHeader projectId={projectId} session={selected} socketState={socketState} />}
        {task.data?.variants && <VariantComparison projectId={projectId} variants={task.data.variants} />}
        {reviewing && task.data && selectedId ? (
          <Suspense fallback={<p className="muted page">Loading the review…</p>}>
            <ReviewPanel key={task.data.id} projectId={projectId} task={task.data} sessionId={selectedId} onClose={() => void navigate(`/projects/${projectId}/chat/${selectedId}`)} />
          </Suspense>
        ) : (
          <MessagePanel
            key={selectedId ?? 'none'}
            sessionId={selectedId}
            messages={messages.data}
            drafts={drafts.data}
            loading={messages.isPending && selectedId !== null}
            error={messages.error}
            active={active}
            hasOlder={hasOlderMessages(messages.data)}
            loadingOlder={loadOlder.isPending}
            onLoadOlder={() => loadOlder.mutate()}
            {...(rights.role !== null && !rights.canWrite ? { noSessionText: 'No task has run in this project yet.' } : {})}
          />
        )}
        {/* A viewer reads (issue 14 item 2); no composer until the caller's role is known. */}
        {rights.role === null ? null : !rights.canWrite ? (
          <ViewerNotice />
        ) : (running && !composingNew) || (resumable && resuming) ? (
          <FollowUpInput
            projectId={projectId}
            sessionId={selected.id}
            resumesTask={!running}
            actions={
              <button type="button" className="new-task-button" onClick={() => (running ? setComposingNew(true) : setResuming(false))}>
                New task
              </button>
            }
          />
        ) : (
          <div className="composer">
            {running && (
              <div className="composer-back">
                <button type="button" className="link-button" onClick={() => setComposingNew(false)}>
                  Back to the follow-up
                </button>
              </div>
            )}
            {resumable && (
              <div className="composer-back">
                <button type="button" className="link-button" onClick={() => setResuming(true)}>
                  Follow up on this task
                </button>
                <span className="small"> — it runs again on its branch, with the conversation so far</span>
              </div>
            )}
            <TaskSubmitForm projectId={projectId} onStarted={select} />
          </div>
        )}
      </div>
    </section>
  );
}
