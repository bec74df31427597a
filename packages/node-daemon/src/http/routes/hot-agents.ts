/**
 * Hot agent routes of `nodeDaemonApi` (node-management token; issue 15, contracts hot-agents.ts):
 * - `prepareHotAgent` `POST /hot-agents` → 202 `NodeHotAgentInfo` (status `preparing`): clone,
 *   spawn the agent, open its ACP session, in the background. 409 when the id exists.
 * - `listHotAgents` `GET /hot-agents` → this daemon's hot agents.
 * - `claimHotAgent` `POST /hot-agents/:hotAgentId/claim` → 200 once the checkout is on the task's
 *   branch; 404 unknown (the daemon restarted), 409 claimed already or unusable.
 * - `prepareWarmAgent` `POST /warm-agents` → 202 `NodeWarmAgentInfo` (status `preparing`): the
 *   agent spawned in an empty workspace shell, past `initialize`, in the background. 409 when the
 *   workspace id exists on this node.
 * - `listWarmAgents` `GET /warm-agents` → the warm agents no workspace has taken yet.
 */
import type { HotAgentService } from '../../hot-agents/hot-agent-service.js';
import type { WarmAgentService } from '../../hot-agents/warm-agent-service.js';
import type { DaemonRouteHandlers } from './handlers.js';

/** The hot agent routes' handlers, over `hotAgents`. */
export function hotAgentHandlers(hotAgents: HotAgentService): DaemonRouteHandlers<'prepareHotAgent' | 'listHotAgents' | 'claimHotAgent'> {
  return {
    prepareHotAgent: ({ body }) => hotAgents.prepare(body),
    listHotAgents: () => hotAgents.list(),
    claimHotAgent: ({ params, body }) => hotAgents.claim(params.hotAgentId, body),
  };
}

/** The warm agent routes' handlers, over `warmAgents`. */
export function warmAgentHandlers(warmAgents: WarmAgentService): DaemonRouteHandlers<'prepareWarmAgent' | 'listWarmAgents'> {
  return {
    prepareWarmAgent: ({ body }) => warmAgents.prepare(body),
    listWarmAgents: () => warmAgents.list(),
  };
}
