/**
 * Handlers of the node daemons' node callbacks (contracts `callbackApi`, DESIGN.md §2), with the
 * node's callback token (checked by the `nodeToken` middleware): the daemon is ready, and its
 * heartbeat.
 */
import type { NodeHeartbeatResponse } from '@flotilla/contracts';
import { conflict, notFound, type FlotillaError } from '@flotilla/kit';
import type { CallbackHandlers } from '../app-env.js';
import { principalOf } from '../auth/principal.js';
import { depsFromEnv } from '../deps.js';
import { markNodeHotAgentsGone } from '../hot-agents/repository.js';
import { listTaskIdsWaitingOnNode } from '../tasks/repository.js';
import { refreshCallbackTokens } from './callback-token-refresh.js';
import { getNode, markNodeReady, recordHeartbeat } from './repository.js';

/** Why `markNodeReady` changed nothing for `nodeId` announced at `url`: 404, or 409 saying what stands. */
async function refusalOfReady(db: D1Database, nodeId: string, url: string): Promise<FlotillaError> {
  const node = await getNode(db, nodeId);
  if (!node) return notFound(`node ${nodeId} not found`);
  if (node.status === 'ready' || node.status === 'warm') {
    return conflict(`node ${nodeId} is ${node.status} at ${node.url ?? '?'}: a ready node's URL cannot change (announced ${url}); a node at another address is a new node`);
  }
  return conflict(`node ${nodeId} is ${node.status}: it cannot become ready again`);
}

export const nodeCallbackHandlers: CallbackHandlers<'nodeReady' | 'nodeHeartbeat'> = {
  /**
   * The node daemon is up and listening at `url`: the runs waiting on it are woken, and the
   * agents it can run (`agents`, when announced) are stored for `GET /api/agents` and the nodes page. A restarted
   * daemon may announce itself again at the same URL; a ready (or warm) node's URL never changes
   * — the next task's credentials would go there — and a node being destroyed, or gone, is not
   * revived: both 409, changing nothing (repository.ts `markNodeReady`). 404 for an unknown node.
   */
  nodeReady: async ({ params, body }, c) => {
    const { db, stubs } = depsFromEnv(c.env);
    const status = await markNodeReady(db, params.nodeId, body.url, body.daemonVersion, body.sandbox, body.agents);
    if (status === null) throw await refusalOfReady(db, params.nodeId, body.url);
    // A daemon announcing itself (again) keeps no hot agent: those recorded for it are gone (issue 15).
    await markNodeHotAgentsGone(db, params.nodeId);
    await Promise.all((await listTaskIdsWaitingOnNode(db, params.nodeId)).map((taskId) => stubs.taskRunner(taskId).wake()));
    return { ok: true as const };
  },

  /**
   * The node daemon is alive; `workspaceIds` are the workspaces it holds. 401 for a missing,
   * invalid or expired token, 403 for another node's token or a workspace's, 400 for a bad body, 404 for an
   * unknown node.
   *
   * Token refresh: when the presented token is the node's own (no `workspaceId` claim) and has
   * less than half of CALLBACK_TOKEN_TTL_MS (ms) left by its `exp`, the answer carries a fresh
   * node token (`callbackToken`) and a fresh token for each listed workspace that is on this node
   * in D1 and not destroyed (`workspaceTokens`; other ids are left out silently); a destroyed
   * node gets none. Why half, and why all together: a workspace token is always minted after the
   * node token in force at the time (at creation, or with it at a refresh), so it expires no
   * earlier than that node token; replacing every workspace token whenever the node token is
   * refreshed — at least half a TTL before the node token expires — replaces each of them before
   * it expires too, as long as heartbeats get through.
   */
  nodeHeartbeat: async ({ params, body }, c) => {
    const { claims } = principalOf(c.var.principal, 'node');
    const deps = depsFromEnv(c.env);
    const { db, config } = deps;
    const node = await getNode(db, params.nodeId);
    if (!node) throw notFound(`node ${params.nodeId} not found`);
    await recordHeartbeat(db, params.nodeId);
    const tokens = node.status === 'destroyed' ? {} : await refreshCallbackTokens(deps, params.nodeId, claims, body.workspaceIds, config.CALLBACK_TOKEN_TTL_MS);
    const response: NodeHeartbeatResponse = { ok: true, ...tokens };
    return response;
  },
};
