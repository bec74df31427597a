/**
 * What happens after a run ends (DESIGN.md §2 hop 5): a completed run's workspace is destroyed
 * and its node goes warm when nothing else runs on it; a failed or cancelled run keeps its
 * workspace for inspection, with its agent stopped. Either way the chat session is marked
 * stopped and the run no longer holds its node.
 */
import { errorMessage, type Logger } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { allowRefusal, nodeDaemonClient } from '../nodes/node-client.js';
import { getNode, type NodeRow } from '../nodes/repository.js';
import { countLiveWorkspaces, setAgentSessionStatus, setWorkspaceStatus } from '../workspaces/repository.js';
import { runHolderId, type RunOutcome, type RunState } from './run-state.js';

/**
 * Clean up after a run ended with `outcome`. A completed run loses its workspace unless
 * `state.keepWorkspace` (rejected push); a failed or cancelled run keeps it, with its agent
 * stopped (ACP `session/cancel`, then the process, by the daemon's cancel route).
 * @throws when a call that must succeed fails (the runner retries the cleanup)
 */
export async function cleanUpRun(deps: Deps, state: RunState, outcome: RunOutcome, chatSessionId: string | null, log: Logger): Promise<void> {
  if (chatSessionId) await deps.stubs.projectData(state.projectId).updateSession(state.projectId, chatSessionId, { status: 'stopped' });
  if (outcome !== 'completed') await stopAgentOnNode(deps, state, log);
  if (outcome !== 'completed' || state.keepWorkspace || !state.nodeId || !state.workspaceId) {
    // The workspace stays for inspection, but the run no longer holds the node.
    if (state.nodeId) await deps.stubs.nodeLifecycle(state.nodeId).release(runHolderId(state));
    return;
  }
  const node = await getNode(deps.db, state.nodeId);
  if (node?.url) {
    await allowRefusal(nodeDaemonClient(deps, { id: node.id, url: node.url }).deleteWorkspace({ params: { workspaceId: state.workspaceId } }), [404]);
  }
  await setWorkspaceStatus(deps.db, state.workspaceId, 'destroyed');
  log.info('workspace destroyed', { workspaceId: state.workspaceId, nodeId: state.nodeId });
  await releaseNode(deps, state, node, log);
}

/**
 * The node-release part of cleanup (issue 6, item 3): the run no longer holds the node; an
 * auto-provisioned node with no workspace and no holder left goes warm, to be claimed by the
 * next run or destroyed when its warm timeout passes. The workspaces are counted first (this
 * run's is destroyed already); then NodeLifecycle `releaseAndIdle` drops the holder and decides
 * in one step, so a run that reserves the node meanwhile (`tryReserve`) is seen there as a
 * holder and keeps it active — it is never erased by the node going warm under it.
 */
async function releaseNode(deps: Deps, state: RunState, node: NodeRow | null, log: Logger): Promise<void> {
  if (!node) return;
  const lifecycle = deps.stubs.nodeLifecycle(node.id);
  if (!node.auto_provisioned || (await countLiveWorkspaces(deps.db, node.id)) > 0) {
    await lifecycle.release(runHolderId(state));
    return;
  }
  const { holdersLeft, state: after } = await lifecycle.releaseAndIdle(node.id, runHolderId(state));
  if (holdersLeft > 0) return;
  // `destroying`/`destroyed`: the sweep got there first, and nothing is left to release.
  log.info(after.status === 'warm' ? 'node warm: no workspace left on it' : 'node not marked warm', { nodeId: node.id, status: after.status });
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
