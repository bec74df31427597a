/**
 * What happens after a run ends (DESIGN.md §2 hop 5): a completed run's workspace is destroyed
 * and its node goes warm when nothing else runs on it; a failed or cancelled run keeps its
 * workspace for inspection. Either way the chat session is marked stopped.
 */
import { countLiveWorkspaces, getNode, setAgentSessionStatus, setWorkspaceStatus, type NodeRow } from '../../db/nodes-repository.js';
import type { Config, Env } from '../../env.js';
import { errorMessage, type Logger } from '../../lib/logger.js';
import { callNode } from '../../services/node-client.js';
import { nodeLifecycle } from '../node-lifecycle/node-lifecycle.js';
import { runHolderId, type RunOutcome, type RunState } from './run-state.js';

/**
 * Clean up after a run ended with `outcome`. A completed run loses its workspace unless
 * `state.keepWorkspace` (rejected push); a failed or cancelled run keeps it, with its agent
 * stopped (ACP `session/cancel`, then the process, by the daemon's cancel route).
 * @throws when a call that must succeed fails (the TaskRunner retries the cleanup)
 */
export async function cleanUpRun(env: Env, config: Config, state: RunState, outcome: RunOutcome, chatSessionId: string | null, log: Logger): Promise<void> {
  if (chatSessionId) {
    await env.PROJECT_DATA.get(env.PROJECT_DATA.idFromName(state.projectId)).updateSession(state.projectId, chatSessionId, { status: 'stopped' });
  }
  if (outcome !== 'completed') await stopAgentOnNode(env, config, state, log);
  if (outcome !== 'completed' || state.keepWorkspace || !state.nodeId || !state.workspaceId) {
    // The workspace stays for inspection, but the task no longer holds the node.
    if (state.nodeId) await nodeLifecycle(env, state.nodeId).release(runHolderId(state));
    return;
  }
  const node = await getNode(env.DB, state.nodeId);
  if (node?.url) {
    await callNode(env.DB, { id: node.id, url: node.url }, 'DELETE', `/workspaces/${state.workspaceId}`, {
      accept: [404],
      timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS,
    });
  }
  await setWorkspaceStatus(env.DB, state.workspaceId, 'destroyed');
  log.info('workspace destroyed', { workspaceId: state.workspaceId, nodeId: state.nodeId });
  await releaseNode(env, state, node, log);
}

/**
 * The node-release part of cleanup (issue 6, item 3): the task no longer holds the node; an
 * auto-provisioned node with no workspace and no task left goes warm (NodeLifecycle `markIdle`),
 * to be claimed by the next task or destroyed when its warm timeout passes.
 */
async function releaseNode(env: Env, state: RunState, node: NodeRow | null, log: Logger): Promise<void> {
  if (!node) return;
  const lifecycle = nodeLifecycle(env, node.id);
  const tasksLeft = await lifecycle.release(runHolderId(state));
  if (!node.auto_provisioned || tasksLeft > 0 || (await countLiveWorkspaces(env.DB, node.id)) > 0) return;
  const { status } = await lifecycle.markIdle(node.id);
  // `destroying`/`destroyed`: the sweep got there first, and nothing is left to release.
  log.info(status === 'warm' ? 'node warm: no workspace left on it' : 'node not marked warm', { nodeId: node.id, status });
}

/**
 * Stop the run's agent on its node, keeping the workspace: `POST {node}/workspaces/:wid/
 * agent-sessions/:sid/cancel` (ACP `session/cancel`, then the process is stopped). Best effort:
 * an agent that already stopped answers 404/409, and an unreachable node (lost) is only logged.
 */
async function stopAgentOnNode(env: Env, config: Config, state: RunState, log: Logger): Promise<void> {
  if (!state.nodeId || !state.workspaceId || !state.agentSessionId) return;
  const node = await getNode(env.DB, state.nodeId);
  if (!node?.url) return;
  try {
    const response = await callNode(env.DB, { id: node.id, url: node.url }, 'POST', `/workspaces/${state.workspaceId}/agent-sessions/${state.agentSessionId}/cancel`, {
      accept: [404, 409],
      timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS,
    });
    await response.body?.cancel();
    await setAgentSessionStatus(env.DB, state.agentSessionId, 'stopped');
    log.info('agent stopped', { nodeId: node.id, workspaceId: state.workspaceId, agentSessionId: state.agentSessionId });
  } catch (error) {
    log.warn('could not stop the agent on its node', { nodeId: node.id, agentSessionId: state.agentSessionId, error: errorMessage(error) });
  }
}
