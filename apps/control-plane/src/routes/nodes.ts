/**
 * `/api/nodes` for users (issue 6): the nodes, each with its status, time left while warm, and
 * workspaces; `DELETE /api/nodes/:id` to destroy an unused one now; and `POST /api/nodes/sweep`, which runs the node sweep now (local mode only — in
 * deployed mode the cron runs it). The node daemons' callbacks live in callbacks.ts.
 */
import { NodeStatus, type NodeInfo, type ProviderName, type VmSize } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { getNode, type NodeRow } from '../db/nodes-repository.js';
import { readConfig, type Env } from '../env.js';
import { conflict, forbidden, HttpError, notFound } from '../lib/errors.js';
import { errorMessage } from '../lib/logger.js';
import { nodeLifecycle } from '../durable-objects/node-lifecycle/node-lifecycle.js';
import { parseWith } from '../lib/validation.js';
import { sweepNodes } from '../services/node-sweep.js';

async function toNodeInfo(env: Env, row: NodeRow): Promise<NodeInfo> {
  const { results } = await env.DB.prepare("SELECT id FROM workspaces WHERE node_id = ? AND status != 'destroyed' ORDER BY created_at")
    .bind(row.id)
    .all<{ id: string }>();
  const warmUntil = row.status === 'warm' && row.warm_since ? new Date(Date.parse(row.warm_since) + readConfig(env).NODE_WARM_TIMEOUT_MS).toISOString() : null;
  return {
    id: row.id,
    provider: row.provider as ProviderName,
    status: row.status,
    size: row.size as VmSize | null,
    machineType: row.machine_type,
    location: row.location,
    url: row.url,
    autoProvisioned: row.auto_provisioned === 1,
    warmSince: row.warm_since,
    warmUntil,
    workspaceIds: results.map((r) => r.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const nodesRoutes = new Hono<AppEnv>()
  /** Nodes, newest first; `?status=warm` (any NodeStatus; 400 otherwise) filters. Destroyed nodes only when asked for. */
  .get('/', async (c) => {
    const raw = c.req.query('status');
    const status = raw === undefined ? undefined : parseWith(NodeStatus, raw);
    const query = status
      ? c.env.DB.prepare('SELECT * FROM nodes WHERE status = ? ORDER BY created_at DESC LIMIT 500').bind(status)
      : c.env.DB.prepare("SELECT * FROM nodes WHERE status != 'destroyed' ORDER BY created_at DESC LIMIT 500");
    const { results } = await query.all<NodeRow>();
    return c.json({ nodes: await Promise.all(results.map((row) => toNodeInfo(c.env, row))) });
  })
  /** Run the node sweep now and answer what it did. 403 outside local mode. */
  .post('/sweep', async (c) => {
    if ((c.env.DEPLOYMENT_MODE ?? 'local') !== 'local') throw forbidden('the node sweep runs on its cron in deployed mode');
    return c.json(await sweepNodes(c.env));
  })
  .get('/:nodeId', async (c) => {
    const row = await getNode(c.env.DB, c.req.param('nodeId'));
    if (!row) throw notFound(`node ${c.req.param('nodeId')} not found`);
    return c.json(await toNodeInfo(c.env, row));
  })
  /**
   * Destroy a node now, through its provider (a warm node you do not want to pay for, a node
   * left in error). 200 with the node (`destroyed`); 404 unknown; 409 while it runs a workspace
   * or a task is starting on it (the message names them); 503 when the provider failed — its
   * NodeLifecycle retries after NODE_DESTROY_RETRY_MS.
   */
  .delete('/:nodeId', async (c) => {
    const nodeId = c.req.param('nodeId');
    const row = await getNode(c.env.DB, nodeId);
    if (!row) throw notFound(`node ${nodeId} not found`);
    const info = await toNodeInfo(c.env, row);
    if (info.workspaceIds.length > 0) throw conflict(`node ${nodeId} runs workspaces ${info.workspaceIds.join(', ')}: let their tasks end (or cancel them) and delete hand-made workspaces first`);
    let destroyed: boolean;
    try {
      destroyed = await nodeLifecycle(c.env, nodeId).destroyUnused(nodeId, 'manual');
    } catch (error) {
      throw new HttpError('unavailable', `the provider could not delete node ${nodeId} yet (${errorMessage(error)}); it is retried`);
    }
    if (!destroyed) throw conflict(`node ${nodeId} is in use by a task starting on it`);
    return c.json(await toNodeInfo(c.env, (await getNode(c.env.DB, nodeId)) ?? row));
  });
