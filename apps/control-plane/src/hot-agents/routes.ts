/**
 * Handlers of the hot agent and step timing routes of the public API (issue 15):
 * - `listHotAgents` `GET /api/projects/:projectId/hot-agents` → the project's hot agents, newest
 *   first; each `ready` one with its node's own view (`onNode`: preparing, ready, failed, or
 *   missing when the node no longer has it). 404 for an unknown project.
 * - `getTaskSteps` `GET /api/tasks/:taskId/steps` → the execution steps of the task's runs with
 *   start, end and duration (ms). 404 for an unknown task.
 */
import type { HotAgent, NodeHotAgentInfo } from '@flotilla/contracts';
import { notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { depsFromEnv, type Deps } from '../deps.js';
import { nodeDaemonClient } from '../nodes/node-client.js';
import { getNode } from '../nodes/repository.js';
import { requireProject } from '../projects/projects.js';
import { getTaskRow } from '../tasks/repository.js';
import { listStepTimings } from '../tasks/step-timings.js';
import { listHotAgents, toHotAgent } from './repository.js';

/** What node `nodeId` reports of its hot agents; null when it cannot be asked. */
async function hotAgentsOnNode(deps: Deps, nodeId: string): Promise<NodeHotAgentInfo[] | null> {
  const node = await getNode(deps.db, nodeId);
  if (!node?.url || (node.status !== 'ready' && node.status !== 'warm')) return null;
  return nodeDaemonClient(deps, { id: node.id, url: node.url })
    .listHotAgents({})
    .catch(() => null);
}

export const hotAgentHandlers: PublicHandlers<'listHotAgents' | 'getTaskSteps'> = {
  listHotAgents: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    await requireProject(deps.db, params.projectId);
    const hotAgents: HotAgent[] = (await listHotAgents(deps.db, params.projectId)).map(toHotAgent);
    const nodeIds = [...new Set(hotAgents.filter((hot) => hot.status === 'ready').map((hot) => hot.nodeId))];
    const views = new Map(await Promise.all(nodeIds.map(async (nodeId) => [nodeId, await hotAgentsOnNode(deps, nodeId)] as const)));
    for (const hot of hotAgents) {
      const view = hot.status === 'ready' ? views.get(hot.nodeId) : null;
      if (view) hot.onNode = view.find((entry) => entry.hotAgentId === hot.id)?.status ?? 'missing';
    }
    return { hotAgents };
  },

  getTaskSteps: async ({ params }, c) => {
    const row = await getTaskRow(c.env.DB, params.taskId);
    if (!row) throw notFound(`task ${params.taskId} not found`);
    return { steps: await listStepTimings(c.env.DB, params.taskId) };
  },
};
