/**
 * What happens after a run ends (DESIGN.md §2 hop 5): a completed run's workspace is destroyed
 * and its node goes warm when nothing else runs on it; a failed or cancelled run keeps its
 * workspace for inspection (until it expires), with its agent stopped — unless its set-up
 * failed: then there is nothing to inspect, and the workspace goes and the node is released. Either way the chat session is marked
 * stopped and the run no longer holds its node.
 */
import { errorMessage, type Logger } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { allowRefusal, nodeDaemonClient } from '../nodes/node-client.js';
import { getNode } from '../nodes/repository.js';
import { destroyWorkspace, releaseNodeIfIdle } from '../workspaces/disposal.js';
import { getWorkspace, setAgentSessionStatus, setWorkspaceExpiry } from '../workspaces/repository.js';
import { topUpHotAgents } from '../hot-agents/preparation.js';
import { topUpWarmAgent } from '../hot-agents/warm-agents.js';
import { getProject } from '../projects/repository.js';
import { runHolderId, type RunOutcome, type RunState } from './run-state.js';

/**
 * Clean up after a run ended with `outcome`. A completed run loses its workspace unless
 * `state.keepWorkspace` (rejected push); a failed or cancelled run keeps it, with its agent
 * stopped (ACP `session/cancel`, then the process, by the daemon's cancel route) — but only a
 * workspace that was set up (status `running`): one whose set-up failed or never finished (no
 * checkout, e.g. `git clone failed`) is destroyed at once, so the node is released at once
 * (issue 17). A task's kept workspace expires KEPT_WORKSPACE_TTL_MS from now (expiry.ts).
 * @throws when a call that must succeed fails (the runner retries the cleanup)
 */
export async function cleanUpRun(deps: Deps, state: RunState, outcome: RunOutcome, chatSessionId: string | null, log: Logger): Promise<void> {
  if (chatSessionId) await deps.stubs.projectData(state.projectId).updateSession(state.projectId, chatSessionId, { status: 'stopped' });
  if (outcome !== 'completed') await stopAgentOnNode(deps, state, log);
  const workspace = state.workspaceId ? await getWorkspace(deps.db, state.workspaceId) : null;
  const setUp = workspace !== null && workspace.status === 'running';
  if (setUp && state.nodeId && (outcome !== 'completed' || state.keepWorkspace)) {
    // The workspace stays for inspection, but the run no longer holds the node.
    if (state.taskId && state.workspaceId) {
      const expiresAt = new Date(Date.now() + deps.config.KEPT_WORKSPACE_TTL_MS).toISOString();
      await setWorkspaceExpiry(deps.db, state.workspaceId, expiresAt);
      log.info('workspace kept for inspection', { workspaceId: state.workspaceId, nodeId: state.nodeId, expiresAt });
    }
    await deps.stubs.nodeLifecycle(state.nodeId).release(runHolderId(state));
    return;
  }
  if (!state.nodeId) return;
  const node = await getNode(deps.db, state.nodeId);
  if (state.workspaceId && workspace?.status !== 'destroyed') {
    // A completed run's workspace must go (a failure is retried); one that was never set up goes
    // on a best-effort basis — it holds no work, and its node may be lost.
    await destroyWorkspace(deps, state.workspaceId, node, log, !setUp);
  }
  // A node the run leaves keeps a warm agent for the next task of any project (issue 15) — asked
  // for while the run still holds it, so the node is warm with it — unless the project keeps hot agents.
  const keepsHotAgents = state.task ? ((await getProject(deps.db, state.task.projectId))?.hotAgents ?? 0) > 0 : true;
  if (state.task && !keepsHotAgents) await topUpWarmAgent(deps, { nodeId: state.nodeId, agentType: state.task.agentType }, log);
  await releaseNodeIfIdle(deps, node, runHolderId(state), log);
  // The node the task left may keep the project's hot agents (issue 15): prepared now, never thrown.
  if (state.task && keepsHotAgents) await topUpHotAgents(deps, { projectId: state.task.projectId, agentType: state.task.agentType, nodeId: state.nodeId }, log);
}

/**
 * Stop the run's agent on its node, keeping the workspace: `POST {node}/workspaces/:wid/
 * agent-sessions/:sid/cancel` (ACP `session/cancel`, then the process is stopped). Best effort:
 * an agent that already stopped answers 404/409, and an unreachable node (lost) is only logged.
 */
async function stopAgentOnNode(deps: Deps, state: RunState, log: Logger): Promise<void> {
  if (!state.nodeId || !state.workspaceId || !state.agentSessionId) return;
  const node = await getNode(deps.db, state.nodeId);
  if (!node?.url) return;
  try {
    const params = { workspaceId: state.workspaceId, agentSessionId: state.agentSessionId };
    await allowRefusal(nodeDaemonClient(deps, { id: node.id, url: node.url }).cancelAgentSession({ params }), [404, 409]);
    await setAgentSessionStatus(deps.db, state.agentSessionId, 'stopped');
    log.info('agent stopped', { nodeId: node.id, workspaceId: state.workspaceId, agentSessionId: state.agentSessionId });
  } catch (error) {
    log.warn('could not stop the agent on its node', { nodeId: node.id, agentSessionId: state.agentSessionId, error: errorMessage(error) });
  }
}
