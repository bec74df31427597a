/**
 * The local cloud: a small HTTP service, hosted by the `flotilla` CLI, that plays the part of a
 * cloud API for the `local` provider (packages/providers local/local-provider.ts). Creating a
 * node spawns one node-daemon process with its own data directory and hands it what cloud-init
 * would hand a VM (node id, control-plane URL, callback token in a file only it can read, an
 * address of its own), in an environment that holds nothing else of the CLI's (node-env.ts).
 *
 * Its API is the contracts' route table `localCloudApi` (`POST /nodes`, `GET /nodes`,
 * `GET /nodes/:nodeId`, `DELETE /nodes/:nodeId`, and `POST /git/remote-refs`, the branches of a
 * repository on this machine for the control plane's repository check: remote-refs.ts), served with @flotilla/kit/hono
 * `registerRoutes`: bodies and node ids validated, refusals answered `{"error":{"code","message"}}`,
 * every call required to carry the secret shared with the control plane (shared-secret.ts).
 * Listens on loopback by default.
 */
import { serve, type ServerType } from '@hono/node-server';
import { localCloudApi, type LocalCloudNode } from '@flotilla/contracts';
import { createLogger, errorMessage, notFound, type Logger } from '@flotilla/kit';
import { errorHandler, notFoundHandler, registerRoutes, reply } from '@flotilla/kit/hono';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { freePort } from '../stack/ports.js';
import { sharedNodeEnv, type NodeEnvSources } from './node-env.js';
import { NodeProcess, type SpawnNodeInput } from './node-process.js';
import { listRemoteRefs, type RemoteRefsOptions } from './remote-refs.js';
import { requireSharedSecret } from './shared-secret.js';
import { StandbyDaemon } from './standby-daemon.js';

/** Grace period between SIGTERM and SIGKILL when a node is stopped, in ms. */
export const DEFAULT_NODE_STOP_GRACE_MS = 5_000;

/**
 * How long after a node took the standby daemon the next one is spawned, in ms: its start
 * (~200 ms of CPU) then does not compete with the new node's agent for the cores.
 */
export const DEFAULT_STANDBY_REFILL_DELAY_MS = 2_000;

export interface LocalCloudOptions {
  /** Directory holding one sub-directory per node (`<dataDir>/<nodeId>`). */
  dataDir: string;
  /** Command that starts a node daemon, e.g. `[process.execPath, '/…/node-daemon.mjs']`. */
  daemonCommand: readonly string[];
  /**
   * Where every node daemon's environment comes from: the CLI's environment (only what a node
   * daemon needs is taken; agent credentials included, which the daemon hands only to agents),
   * settings given on purpose, and the directories no agent may see (node-env.ts).
   */
  env: NodeEnvSources;
  /** The secret every caller must present (`Authorization: Bearer`): the control plane's LOCAL_CLOUD_SECRET. */
  secret: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Grace period between SIGTERM and SIGKILL when stopping a node, in ms (default {@link DEFAULT_NODE_STOP_GRACE_MS}). */
  stopGraceMs?: number;
  /**
   * Keep one node daemon started ahead of any node (standby-daemon.ts), for the next node to take
   * (default false: `daemonCommand` must be a node daemon, which understands contracts
   * NODE_DAEMON_STANDBY_FLAG). A node whose directory has a log already is spawned anew.
   */
  standby?: boolean;
  /** Delay before the next standby is spawned after a node took one, in ms (default {@link DEFAULT_STANDBY_REFILL_DELAY_MS}). */
  standbyRefillDelayMs?: number;
  /** Limits of `git ls-remote` for `POST /git/remote-refs` (remote-refs.ts defaults). */
  remoteRefs?: RemoteRefsOptions;
  /** Where unexpected errors are logged (default: a kit logger, component `local-cloud`). */
  logger?: Logger;
}

export interface LocalCloud {
  url: string;
  nodes(): LocalCloudNode[];
  /** SIGKILL a node daemon and its agents (a crash). @throws FlotillaError `not_found` for an unknown node. */
  killNode(nodeId: string): Promise<void>;
  /**
   * Start a node again with the same id, data directory, token and port, after it exited or was
   * killed (stopped first when still running). @throws FlotillaError `not_found` for an unknown node.
   */
  restartNode(nodeId: string): Promise<void>;
  /** The pid of the standby daemon the next node will take (LocalCloudOptions.standby), null when there is none now. */
  standbyPid(): number | null;
  /** Stop every node process, the standby and the server. */
  close(): Promise<void>;
}

/**
 * Start the local cloud's HTTP service.
 * @returns once it listens; its `url` is what the control plane's LOCAL_CLOUD_URL must be
 * @throws Error when `options.secret` is too short (shared-secret.ts)
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const requireSecret = requireSharedSecret(options.secret);
  const processes = new Map<string, NodeProcess>();
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_NODE_STOP_GRACE_MS;
  const requireNode = (nodeId: string): NodeProcess => {
    const node = processes.get(nodeId);
    if (!node) throw notFound(`node ${nodeId} not found`);
    return node;
  };

  // The standby daemon (standby-daemon.ts): one at start, another a while after a node took it.
  let closed = false;
  let standby: StandbyDaemon | null = null;
  let refill: NodeJS.Timeout | undefined;
  const logger = options.logger ?? createLogger('local-cloud');
  const spawnStandby = (): void => {
    if (closed || !options.standby || (standby?.pid ?? null) !== null) return;
    try {
      standby = StandbyDaemon.spawn(options.daemonCommand, sharedNodeEnv(options.env), options.dataDir);
    } catch (error) {
      // Nodes are then spawned as before; the next node created schedules another try.
      logger.warn('standby node daemon not started', { error: errorMessage(error) });
    }
  };
  /** The next standby, {@link LocalCloudOptions.standbyRefillDelayMs} from now (unless one is due already). */
  const scheduleStandby = (): void => {
    if (refill !== undefined || closed || !options.standby) return;
    refill = setTimeout(() => {
      refill = undefined;
      spawnStandby();
    }, options.standbyRefillDelayMs ?? DEFAULT_STANDBY_REFILL_DELAY_MS);
    refill.unref();
  };
  /** Start `input`'s node on the standby when there is one, else spawn it; a standby taken or gone is replaced later. */
  const startNode = (input: SpawnNodeInput): NodeProcess => {
    const taken = standby && standby.pid !== null ? NodeProcess.fromStandby(input, standby) : null;
    if (taken || standby?.pid === null) standby = null;
    if (!standby) scheduleStandby();
    return taken ?? NodeProcess.spawn(input);
  };
  spawnStandby();

  /** A free port no node of this cloud holds (a stopped one may start again on its own). */
  const portForNewNode = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (![...processes.values()].some((node) => node.port === port)) return port;
    }
  };

  const app = new Hono();
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);
  registerRoutes(
    app,
    localCloudApi,
    {
      createNode: async ({ body }) => {
        const existing = processes.get(body.nodeId);
        if (existing) return reply(existing.describe(), 200);
        // Picked once: a restart (restartNode) starts the daemon on the same port, so its URL stays.
        const port = await portForNewNode();
        const again = processes.get(body.nodeId);
        if (again) return reply(again.describe(), 200);
        const node = startNode({ ...body, dataDir: options.dataDir, command: options.daemonCommand, env: options.env, port });
        processes.set(body.nodeId, node);
        return node.describe();
      },
      listNodes: () => ({ nodes: [...processes.values()].map((p) => p.describe()) }),
      getNode: ({ params }) => requireNode(params.nodeId).describe(),
      deleteNode: async ({ params }) => {
        const node = requireNode(params.nodeId);
        await node.stop(stopGraceMs);
        processes.delete(params.nodeId);
        return node.describe();
      },
      listRemoteRefs: ({ body }) => listRemoteRefs(body.repository, options.remoteRefs),
    },
    { auth: { localCloud: requireSecret } },
  );

  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    nodes: () => [...processes.values()].map((p) => p.describe()),
    async killNode(nodeId) {
      await requireNode(nodeId).kill();
    },
    async restartNode(nodeId) {
      const node = requireNode(nodeId);
      await node.stop(stopGraceMs);
      processes.set(nodeId, node.respawn());
    },
    standbyPid: () => standby?.pid ?? null,
    async close() {
      closed = true;
      clearTimeout(refill);
      await Promise.all([standby?.stop(), ...[...processes.values()].map((p) => p.stop(stopGraceMs))]);
      processes.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
