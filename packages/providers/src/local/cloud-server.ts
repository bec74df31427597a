/**
 * The local cloud: a small HTTP service, hosted by the `flotilla` CLI, that plays the part of a
 * cloud API for the `local` provider. Creating a node spawns one node-daemon process with its
 * own data directory and hands it what cloud-init would hand a VM (node id, control-plane URL,
 * callback token in a file only it can read). Node-only module (not for the Worker).
 *
 * API: `POST /nodes` (LocalCloudCreateNodeRequest) → 201 LocalCloudNode (200 when it exists);
 * `GET /nodes/:id`; `GET /nodes`; `DELETE /nodes/:id` (stops the process, 404 when unknown).
 */
import { serve, type ServerType } from '@hono/node-server';
import { LocalCloudCreateNodeRequest, describeZodError, type LocalCloudNode } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { NodeProcess } from './node-process.js';

export interface LocalCloudOptions {
  /** Directory holding one sub-directory per node (`<dataDir>/<nodeId>`). */
  dataDir: string;
  /** Command that starts a node daemon, e.g. `[process.execPath, '/…/node-daemon.mjs']`. */
  daemonCommand: readonly string[];
  /** Environment of every node daemon (agent credentials included; the daemon strips them). */
  env: NodeJS.ProcessEnv;
  host?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Grace period between SIGTERM and SIGKILL when stopping a node, in ms (default 5000). */
  stopGraceMs?: number;
}

export interface LocalCloud {
  url: string;
  nodes(): LocalCloudNode[];
  /** SIGKILL a node daemon and its agents (a crash). @throws Error for an unknown node. */
  killNode(nodeId: string): Promise<void>;
  /**
   * Start a node again with the same id, data directory and token, after it exited or was
   * killed (stopped first when still running). @throws Error for an unknown node.
   */
  restartNode(nodeId: string): Promise<void>;
  /** Stop every node process and the server. */
  close(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const processes = new Map<string, NodeProcess>();
  const stopGraceMs = options.stopGraceMs ?? 5_000;

  const app = new Hono()
    .post('/nodes', async (c) => {
      const parsed = LocalCloudCreateNodeRequest.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success) return c.json({ error: { code: 'bad_request', message: describeZodError(parsed.error) } }, 400);
      const existing = processes.get(parsed.data.nodeId);
      if (existing) return c.json(existing.describe(), 200);
      const node = NodeProcess.spawn({ ...parsed.data, dataDir: options.dataDir, command: options.daemonCommand, env: options.env });
      processes.set(parsed.data.nodeId, node);
      return c.json(node.describe(), 201);
    })
    .get('/nodes', (c) => c.json({ nodes: [...processes.values()].map((p) => p.describe()) }))
    .get('/nodes/:nodeId', (c) => {
      const node = processes.get(c.req.param('nodeId'));
      if (!node) return c.json({ error: { code: 'not_found', message: `node ${c.req.param('nodeId')} not found` } }, 404);
      return c.json(node.describe());
    })
    .delete('/nodes/:nodeId', async (c) => {
      const node = processes.get(c.req.param('nodeId'));
      if (!node) return c.json({ error: { code: 'not_found', message: `node ${c.req.param('nodeId')} not found` } }, 404);
      await node.stop(stopGraceMs);
      processes.delete(c.req.param('nodeId'));
      return c.json(node.describe());
    });

  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    nodes: () => [...processes.values()].map((p) => p.describe()),
    async killNode(nodeId) {
      const node = processes.get(nodeId);
      if (!node) throw new Error(`node ${nodeId} not found`);
      await node.kill();
    },
    async restartNode(nodeId) {
      const node = processes.get(nodeId);
      if (!node) throw new Error(`node ${nodeId} not found`);
      await node.stop(stopGraceMs);
      processes.set(nodeId, node.respawn());
    },
    async close() {
      await Promise.all([...processes.values()].map((p) => p.stop(stopGraceMs)));
      processes.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
