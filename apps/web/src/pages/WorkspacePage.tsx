/**
 * A workspace, titled by its project, task (or "Workspace" when made by hand) and branch: the
 * agent's stream straight from the node daemon, a prompt input, the agent's
 * permission requests to answer (policy `ask`), and a terminal in the workspace. A workspace
 * created by hand (`GET …/workspaces/:id` knows it) first shows its set-up steps; its prompts go
 * through its chat session (`POST …/sessions/:id/prompt`: the first one starts the agent, and
 * each is kept in the chat), and it can be deleted here. A task's workspace takes prompts over
 * the direct channel. When the workspace is gone, the page says so and links back to the chat,
 * where the whole conversation is kept.
 */
import type { ManualWorkspace } from '@flotilla/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ExecutionSteps } from '../components/chat/ExecutionSteps';
import { ConfirmButton } from '../components/ui/ConfirmButton';
import { AgentStreamView } from '../components/workspace/AgentStreamView';
import { PermissionRequestList } from '../components/workspace/PermissionRequestList';
import { TerminalView } from '../components/workspace/TerminalView';
import { WorkspaceTitle } from '../components/workspace/WorkspaceTitle';
import { useAgentStream } from '../lib/agent-stream';
import { api, errorText } from '../lib/api';
import { useDocumentTitle } from '../lib/document-title';
import { useProjectRights } from '../lib/project-role';
import { useManualWorkspace, useTask } from '../lib/queries';
import { useDeleteWorkspace, useWorkspaceSummary } from '../lib/workspaces';

export function WorkspacePage() {
  const { projectId = '', workspaceId = '' } = useParams();
  const manual = useManualWorkspace(projectId, workspaceId);
  const workspace = manual.data ?? null;
  const summary = useWorkspaceSummary(projectId, workspaceId);
  const chatSessionId = workspace?.chatSessionId ?? summary?.chatSessionId ?? null;
  const chatHref = chatSessionId ? `/projects/${projectId}/chat/${chatSessionId}` : `/projects/${projectId}/chat`;
  // A task's workspace the project no longer lists was deleted (or its task completed).
  const taskWorkspaceGone = !workspace && manual.isSuccess && summary === null;
  // The live channel and the terminal are writes: a viewer is sent to the chat (issue 14 item 2).
  const { role, canWrite } = useProjectRights(projectId);
  const viewer = role !== null && !canWrite;
  useDocumentTitle(summary?.kind === 'task' ? (summary.taskTitle ?? 'Task workspace') : taskWorkspaceGone ? 'Workspace not found' : 'Workspace');

  let body;
  if (viewer) {
    body = (
      <p className="viewer-notice" role="note">
        You are a viewer of this project: the workspace's agent and terminal are for its members. <Link to={chatHref}>Read the conversation in the chat</Link>
      </p>
    );
  } else if (manual.isPending) body = <p className="muted small">Loading the workspace…</p>;
  else if (manual.isError) body = <p role="alert" className="error small">{errorText(manual.error)}</p>;
  else if (workspace?.status === 'creating') {
    body = (
      <section aria-label="Setting up the workspace">
        <ExecutionSteps status="in_progress" step={workspace.step} />
      </section>
    );
  } else if (workspace?.status === 'error') body = <p role="alert" className="error">The workspace could not be set up: {workspace.error}</p>;
  else if (workspace && workspace.status !== 'running') body = <p className="notice">This workspace was deleted. Its conversation is kept in the chat.</p>;
  else if (taskWorkspaceGone) {
    body = (
      <p role="alert" className="error">
        Workspace not found: the project has no workspace {workspaceId} — it was deleted, or never existed. A task's conversation is
        kept in its chat. <Link to={chatHref}>Back to the chat</Link> · <Link to="/">Back to projects</Link>
      </p>
    );
  }
  else body = <LiveWorkspace projectId={projectId} workspaceId={workspaceId} manual={workspace} taskId={summary?.taskId ?? null} />;

  return (
    <main className="project">
      <div className="project-bar">
        <WorkspaceTitle projectId={projectId} workspaceId={workspaceId} summary={summary} branch={workspace?.branch} />
        {workspace && <span className="muted small">{workspace.permissionPolicy === 'ask' ? 'asks before tools' : 'runs tools without asking'}</span>}
        <Link to={chatHref}>Back to the chat</Link>
        {!viewer && (workspace?.status === 'running' || (summary?.kind === 'task' && summary.expiresAt)) && <DeleteButton projectId={projectId} workspaceId={workspaceId} />}
      </div>
      <div className="chat-main workspace-main">{body}</div>
    </main>
  );
}

/** The running workspace: live stream, permission requests, prompt input, terminal. */
function LiveWorkspace({ projectId, workspaceId, manual, taskId }: { projectId: string; workspaceId: string; manual: ManualWorkspace | null; taskId: string | null }) {
  const [reconnectKey, setReconnectKey] = useState(0);
  const task = useTask(projectId, taskId);
  const stream = useAgentStream(projectId, workspaceId, reconnectKey);
  const [text, setText] = useState('');
  // A workspace created by hand takes prompts through its chat session (which starts its agent).
  const sessionPrompt = useMutation({
    mutationFn: (prompt: string) => api.sendFollowUpPrompt(projectId, manual?.chatSessionId ?? '', prompt),
    onSuccess: () => {
      setText('');
      // The agent of a workspace created by hand starts with its first prompt: connect now.
      if (stream.state !== 'live') setReconnectKey((key) => key + 1);
    },
  });
  const waitingForFirstPrompt = manual !== null && stream.updates.length === 0 && stream.state !== 'live';
  const canSend = manual ? !sessionPrompt.isPending : stream.state === 'live';
  const taskStatus = task.data?.status;
  // A task that ended left its workspace behind (kept for inspection): its agent is stopped.
  const taskEnded = taskStatus === 'failed' || taskStatus === 'cancelled' || taskStatus === 'completed';
  // Not "waiting for the agent" while the agent waits for the user, or no longer works here.
  const emptyText = waitingForFirstPrompt
    ? 'The agent is waiting for your message: write it below.'
    : taskEnded
      ? `The agent is not working here: its task ${taskStatus === 'cancelled' ? 'was cancelled' : taskStatus}. The terminal below shows the workspace as it was left.`
      : 'Waiting for the agent…';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    if (manual) sessionPrompt.mutate(text);
    else if (stream.sendPrompt(text)) setText('');
  };

  return (
    <>
      <span className={`socket ${stream.state}`} aria-live="polite">
        {taskEnded
          ? 'the agent has stopped'
          : waitingForFirstPrompt
            ? 'the agent starts with your first prompt'
            : stream.state === 'live'
              ? 'live from the node'
              : stream.state === 'gone'
                ? 'workspace not running'
                : stream.state === 'connecting'
                  ? 'connecting…'
                  : 'reconnecting…'}
      </span>
      {stream.problem && (
        <p role="alert" className="error small workspace-problem">
          {stream.problem}
        </p>
      )}
      <AgentStreamView updates={stream.updates} emptyText={emptyText} />
      <PermissionRequestList permissions={stream.permissions} onAnswer={stream.answerPermission} disabled={stream.state !== 'live'} />
      {!taskEnded && (
        <form className="follow-up" onSubmit={submit}>
          <label htmlFor="workspace-follow-up">{waitingForFirstPrompt ? 'Prompt for the agent' : 'Follow-up to the agent'}</label>
          <div className="row">
            <input id="workspace-follow-up" value={text} onChange={(e) => setText(e.target.value)} disabled={!canSend} placeholder="Tell the agent something…" />
            <button type="submit" disabled={!canSend || !text.trim()}>
              Send
            </button>
          </div>
          {sessionPrompt.isError && (
            <p role="alert" className="error small">
              {errorText(sessionPrompt.error)}
            </p>
          )}
          {stream.lastDelivery && (
            <p role="status" className="notice small">
              Prompt {stream.lastDelivery === 'queued' ? 'queued behind the current turn' : stream.lastDelivery}.
            </p>
          )}
        </form>
      )}
      {stream.state !== 'gone' && <TerminalView projectId={projectId} workspaceId={workspaceId} />}
    </>
  );
}

/** Delete a workspace created by hand (its agent stopped), or a task's kept one; its node released. */
function DeleteButton({ projectId, workspaceId }: { projectId: string; workspaceId: string }) {
  const remove = useDeleteWorkspace({ projectId, workspaceId });
  return (
    <>
      <ConfirmButton className="secondary" disabled={remove.isPending} onConfirm={() => remove.mutate()} question="Delete this workspace?" confirmLabel="Yes, delete">
        {remove.isPending ? 'Deleting…' : 'Delete workspace'}
      </ConfirmButton>
      {remove.isError && <span role="alert" className="error small">{errorText(remove.error)}</span>}
    </>
  );
}
