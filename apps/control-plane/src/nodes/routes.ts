/**
 * Handlers of the node routes of the public API (contracts `publicApi`; issue 6): the nodes, each
 * with its status, time left while warm, and workspaces; `DELETE /api/nodes/:id` to destroy an
 * unused one now; `POST /api/nodes/sweep`, which runs the node sweep now (local mode only — in
 * deployed mode the cron runs it); and the daemon artifact (daemon-artifact.routes.ts). The node
 * daemons' callbacks are callbacks.routes.ts. A node destroyed through the API is recorded in the
 * audit log (audit/) as an event of no project.
 */
import { conflict, forbidden, notFound, unavailable } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { depsFromEnv } from '../deps.js';
import { toNodeInfo } from './node-info.js';
import { getNode, listNodeRows } from './repository.js';
import { sweepNodes } from './sweep.js';

export const nodeHandlers: PublicHandlers<'listNodes' | 'sweepNodes' | 'getNode' | 'destroyNode'> = {
  /** Nodes, newest first; `?status=warm` (any NodeStatus) filters. Destroyed nodes only when asked for. */
  listNodes: async ({ query }, c) => {
    const deps = depsFromEnv(c.env);
    return { nodes: await Promise.all((await listNodeRows(deps.db, query.status)).map((row) => toNodeInfo(deps, row))) };
  },

  /** Run the node sweep now and answer what it did. 403 outside local mode. */
  sweepNodes: (_request, c) => {
    const deps = depsFromEnv(c.env);
    if (!deps.config.isLocalMode) throw forbidden('the node sweep runs on its cron in deployed mode');
    return sweepNodes(deps);
  },

  getNode: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await getNode(deps.db, params.nodeId);
    if (!row) throw notFound(`node ${params.nodeId} not found`);
    return toNodeInfo(deps, row);
  },

  /**
   * Destroy a node now, through its provider (a warm node you do not want to pay for, a node
   * left in error). 200 with the node (`destroyed`); 404 unknown; 409 while it runs a workspace
   * or a run is starting on it (the message names them); 503 when the provider failed — its
   * NodeLifecycle retries after NODE_DESTROY_RETRY_MS.
   */
  destroyNode: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const { nodeId } = params;
    const row = await getNode(deps.db, nodeId);
    if (!row) throw notFound(`node ${nodeId} not found`);
    const info = await toNodeInfo(deps, row);
    if (info.workspaceIds.length > 0) throw conflict(`node ${nodeId} runs workspaces ${info.workspaceIds.join(', ')}: let their tasks end (or cancel them) and delete hand-made workspaces first`);
    const outcome = await deps.stubs.nodeLifecycle(nodeId).destroyUnused(nodeId, 'manual');
    if (!outcome.ok) throw unavailable(`the provider could not delete node ${nodeId} yet (${outcome.error.message}); it is retried`);
    if (!outcome.value) throw conflict(`node ${nodeId} is in use by a task starting on it`);
    await recordFromRoute(c, { projectId: null, action: 'node.destroyed', target: { kind: 'node', id: nodeId }, detail: { provider: row.provider } });
    return toNodeInfo(deps, (await getNode(deps.db, nodeId)) ?? row);
  },
};
