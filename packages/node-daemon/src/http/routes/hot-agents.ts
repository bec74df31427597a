/**
 * Hot agent routes of `nodeDaemonApi` (node-management token; issue 15, contracts hot-agents.ts):
 * - `prepareHotAgent` `POST /hot-agents` → 202 `NodeHotAgentInfo` (status `preparing`): clone,
 *   spawn the agent, open its ACP session, in the background. 409 when the id exists.
 * - `listHotAgents` `GET /hot-agents` → this daemon's hot agents.
 * - `claimHotAgent` `POST /hot-agents/:hotAgentId/claim` → 200 once the checkout is on the task's
 *   branch; 404 unknown (the daemon restarted), 409 claimed already or unusable.
 */
import type { HotAgentService } from '../../hot-agents/hot-agent-service.js';
import type { DaemonRouteHandlers } from './handlers.js';

/** The hot agent routes' handlers, over `hotAgents`. */
export function hotAgentHandlers(hotAgents: HotAgentService): DaemonRouteHandlers<'prepareHotAgent' | 'listHotAgents' | 'claimHotAgent'> {
  return {
    prepareHotAgent: ({ body }) => hotAgents.prepare(body),
    listHotAgents: () => hotAgents.list(),
    claimHotAgent: ({ params, body }) => hotAgents.claim(params.hotAgentId, body),
  };
}
