/**
 * What happens after a run ends (DESIGN.md §2 hop 5): a completed run's workspace is destroyed
 * and its node released when nothing else runs on it; a failed or cancelled run keeps its
 * workspace for inspection. Either way the chat session is marked stopped.
 */
import type { TaskCallbackRequest } from '@flotilla/contracts';
import { countLiveWorkspaces, getNode, setNodeStatus, setWorkspaceStatus } from '../../db/nodes-repository.js';
import type { Config, Env } from '../../env.js';
import type { Logger } from '../../lib/logger.js';
import { callNode } from '../../services/node-client.js';
import { getProvider } from '../../services/providers.js';
import type { RunState } from './run-state.js';

export async function cleanUpRun(env: Env, config: Config, state: RunState, outcome: TaskCallbackRequest['status'], chatSessionId: string | null, log: Logger): Promise<void> {
  if (chatSessionId) {
    await env.PROJECT_DATA.get(env.PROJECT_DATA.idFromName(state.projectId)).updateSession(state.projectId, chatSessionId, { status: 'stopped' });
  }
  if (outcome !== 'completed' || !state.nodeId || !state.workspaceId) return;
  const node = await getNode(env.DB, state.nodeId);
  if (node?.url) {
    await callNode(env.DB, { id: node.id, url: node.url }, 'DELETE', `/workspaces/${state.workspaceId}`, {
      accept: [404],
      timeoutMs: config.OUTBOUND_REQUEST_TIMEOUT_MS,
    });
  }
  await setWorkspaceStatus(env.DB, state.workspaceId, 'destroyed');
  log.info('workspace destroyed', { workspaceId: state.workspaceId, nodeId: state.nodeId });
  if (node && (await countLiveWorkspaces(env.DB, node.id)) === 0) {
    await setNodeStatus(env.DB, node.id, 'destroying');
    await getProvider(env, node.provider, config.OUTBOUND_REQUEST_TIMEOUT_MS).deleteNode(node.id);
    await setNodeStatus(env.DB, node.id, 'destroyed');
    log.info('node destroyed: no workspace left on it', { nodeId: node.id });
  }
}
