/**
 * Header of the selected session: task title and status, the result card once the run ended
 * (result/ResultCard.tsx: changes, branch, PR, or the reason of a failure and Retry), cancel,
 * the live-connection state, and the execution steps while the task starts; "by <login>" when
 * someone signed in created the task. Cancel and "Open workspace" only for those who may write
 * (a viewer reads, issue 14 item 2).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, errorText } from '../../lib/api';
import type { SocketState } from '../../lib/project-socket';
import { invalidateProject, isInFlight, keys, useTask } from '../../lib/queries';
import type { SessionWithTask } from '@flotilla/contracts';
import { isSessionLive } from '../../lib/status-words';
import { ConfirmButton } from '../ui/ConfirmButton';
import { StatusBadge } from '../ui/StatusBadge';
import { ResultCard } from '../result/ResultCard';
import { UsageLine, WaitingReason } from '../cost/UsageLine';
import { WorkspaceLinks } from '../workspace/WorkspaceLink';
import { ExecutionSteps } from './ExecutionSteps';
import { workspaceNotToLink } from '../../lib/workspaces';
import { useProjectRights } from '../../lib/project-role';
import { CreatedBy } from '../members/CreatedBy';

interface Props {
  projectId: string;
  session: SessionWithTask;
  socketState: SocketState;
}

export function SessionHeader({ projectId, session, socketState }: Props) {
  const task = useTask(projectId, session.taskId);
  const queryClient = useQueryClient();
  const { canWrite } = useProjectRights(projectId);
  const [actionError, setActionError] = useState<string | null>(null);
  const data = task.data;
  // The connection state ("live") only while the session's agent runs; an ended task shows its outcome (the badge).
  const live = isSessionLive(session.status, data?.status ?? session.task?.status ?? null);

  // Retry lives on the result card (result/ResultCard.tsx); the header cancels a task in flight.
  const cancel = async () => {
    if (!data) return;
    setActionError(null);
    try {
      await api.cancelTask(projectId, data.id);
    } catch (error) {
      setActionError(error instanceof ApiError && error.notFound ? 'cancel is not available on this server yet' : errorText(error));
    }
    await Promise.all([invalidateProject(queryClient, projectId), queryClient.invalidateQueries({ queryKey: keys.task(projectId, data.id) })]);
  };

  return (
    <header className="session-header" aria-label="Session">
      <div className="session-heading">
        <h2 className="session-title">{data?.title ?? session.topic ?? 'Session'}</h2>
        {data && <StatusBadge status={data.status} />}
        <CreatedBy user={data?.createdBy} />
        {live && (
          <span className={`socket ${socketState}`} aria-live="polite">
            {socketState === 'live' ? 'live' : socketState === 'connecting' ? 'connecting…' : 'reconnecting…'}
          </span>
        )}
      </div>
      {/* A task that ended: its result (issue 17), with Retry when it failed or was cancelled. */}
      {data && <ResultCard projectId={projectId} task={data} />}
      {/* Tokens, cost and node time so far; why a queued task waits (issue 16 item 2). */}
      {data && <UsageLine cost={data.cost} />}
      {data && <WaitingReason projectId={projectId} reason={data.waitingReason} />}
      {/* A task on several agents has no steps of its own: each agent's are in its chat session. */}
      {data && isInFlight(data.status) && !data.variants && <ExecutionSteps status={data.status} step={data.executionStep} />}
      <div className="row small">
        {canWrite && data?.workspaceId && data.status === 'in_progress' && data.executionStep === 'running' && (
          <Link to={`/projects/${projectId}/workspaces/${data.workspaceId}`} className="button-link">
            Open workspace
          </Link>
        )}
        {canWrite && data && isInFlight(data.status) && (
          <ConfirmButton question="Cancel task?" confirmLabel="Yes, cancel" onConfirm={() => void cancel()}>
            Cancel task
          </ConfirmButton>
        )}
        {actionError && <span role="alert" className="error">{actionError}</span>}
      </div>
      <WorkspaceLinks
        projectId={projectId}
        match={(w) => w.chatSessionId === session.id || (session.taskId !== null && w.taskId === session.taskId)}
        hideWorkspaceId={workspaceNotToLink(data)}
      />
    </header>
  );
}
