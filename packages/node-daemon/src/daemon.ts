/**
 * Assembles a running node daemon from its configuration: database, message outbox, control
 * plane client and the durable task callback, git on checkouts (sandboxed) and mirrors, workspace
 * and agent session services, HTTP server, heartbeat. `main.ts` adds the process concerns
 * (environment, signals, exit codes).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { serve } from '@hono/node-server';
import type { AgentAvailability, NodeSandbox } from '@flotilla/contracts';
import type { AgentCredentials } from './agent-credentials.js';
import { agentAvailability } from './agents/registry/availability.js';
import { NodeTokenHolder, applyRefreshedTokens } from './control-plane/callback-tokens.js';
import { AgentSessionService } from './agents/session/agent-session-service.js';
import { CheckoutGit } from './git/checkout-git.js';
import { GitCredentialRegistry } from './git/git-credentials.js';
import { mirrorPathFor } from './git/mirror.js';
import type { DaemonConfig } from './config.js';
import { ControlPlaneClient } from './control-plane/control-plane-client.js';
import { TaskCallbackOutbox } from './control-plane/task-callback-outbox.js';
import { AgentSessionStore } from './db/agent-session-store.js';
import { openDatabase } from './db/database.js';
import { ModelUsageStore } from './db/model-usage-store.js';
import { TaskCallbackStore } from './db/task-callback-store.js';
import { WorkspaceStore } from './db/workspace-store.js';
import { errorMessage } from '@flotilla/kit';
import { createDaemonApp } from './http/app.js';
import { createAgentStreamSockets } from './http/agent-stream-socket.js';
import { serveUpgrades } from './http/upgrades.js';
import { createTerminalSockets } from './terminals/terminal-socket.js';
import { controlPlaneKeys, prefetchControlPlaneKeys } from './http/auth.js';
import { resolvePublicUrl } from './http/public-url.js';
import type { Logger } from '@flotilla/kit';
import { MessageOutbox, createHttpMessageSender, readOutboxConfig } from './outbox/index.js';
import { nodeSandbox } from './sandbox/index.js';
import { DAEMON_VERSION } from './version.js';
import { WorkspaceSandboxes } from './workspace-sandbox/workspace-sandboxes.js';
import { WorkspaceService, workspacePathFor } from './workspaces/workspace-service.js';
import { HotAgentService } from './hot-agents/hot-agent-service.js';
import { prepareProvisionedWarmAgent, WarmAgentService } from './hot-agents/warm-agent-service.js';

export interface RunningDaemon {
  /** URL the control plane reaches this daemon at (FLOTILLA_PUBLIC_URL, or http(s):// and the bound address). */
  url: string;
  /** How this node contains its agents (sandbox/): announced with nodeReady. */
  sandbox: NodeSandbox;
  /** Which agents it can run (agents/registry/availability.ts): announced with nodeReady. */
  agents: AgentAvailability[];
  controlPlane: ControlPlaneClient;
  /** Start the periodic heartbeat (NODE_HEARTBEAT_INTERVAL_MS). */
  startHeartbeat(): void;
  /**
   * Prepare the warm agent the control plane provisioned this node with (FLOTILLA_WARM_AGENT), once;
   * no-op without one. Called as the node announces itself: the agent loads while the control plane
   * takes the announcement and asks for the first workspace, without slowing the daemon's own start.
   */
  startWarmAgent(): void;
  /** Stop agents, the outbox, the task callbacks, the heartbeat and the server; close the database. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Read the PEM certificate and key of FLOTILLA_TLS_CERT_FILE / FLOTILLA_TLS_KEY_FILE and check
 * that they make a usable TLS context (parseable, key matching the certificate).
 *
 * @param tls - the configured file paths, or null (plain HTTP)
 * @returns the files' contents, or null without TLS
 * @throws Error naming the variable and path of a file that cannot be read, or both variables
 *   when the contents are not a matching PEM certificate and key
 */
function readTlsFiles(tls: DaemonConfig['tls']): { cert: Buffer; key: Buffer } | null {
  if (tls === null) return null;
  const read = (variable: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`${variable}: cannot read ${path}: ${errorMessage(error)}`);
    }
  };
  const files = { cert: read('FLOTILLA_TLS_CERT_FILE', tls.certFile), key: read('FLOTILLA_TLS_KEY_FILE', tls.keyFile) };
  try {
    createSecureContext(files);
  } catch (error) {
    throw new Error(
      `FLOTILLA_TLS_CERT_FILE (${tls.certFile}) and FLOTILLA_TLS_KEY_FILE (${tls.keyFile}) are not a matching PEM certificate and key: ${errorMessage(error)}`,
    );
  }
  return files;
}

/**
 * Start the daemon: open `<dataDir>/daemon.db`, recover state left by a previous run, start the
 * outbox and resend stored task callbacks, listen on FLOTILLA_HOST:FLOTILLA_PORT — with HTTPS
 * (and WebSockets over wss) when FLOTILLA_TLS_CERT_FILE/FLOTILLA_TLS_KEY_FILE are set. Does not call `nodeReady` (the caller
 * does, once it has announced the URL).
 *
 * @throws when the TLS files cannot be read or do not match (before anything else is started),
 *   the database cannot be opened, or the port cannot be bound.
 */
export async function startDaemon(options: {
  config: DaemonConfig;
  credentials: AgentCredentials;
  logger: Logger;
}): Promise<RunningDaemon> {
  const { config, credentials, logger } = options;
  const tlsFiles = readTlsFiles(config.tls);
  // The control plane's keys, fetched while the daemon starts (http/auth.ts).
  const keys = controlPlaneKeys(config.controlPlaneUrl);
  prefetchControlPlaneKeys(keys, logger);
  // Owner-only: the data dir holds callback tokens (daemon.db and its WAL) and the sandboxes' homes.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(config.dataDir, 'daemon.db'));
  const workspaceStore = new WorkspaceStore(db);
  const sessionStore = new AgentSessionStore(db);
  const usageStore = new ModelUsageStore(db);
  const tokenFor = (workspaceId: string): string | undefined => workspaceStore.get(workspaceId)?.callbackToken;
  // The configured token, or a newer one a previous run got from a heartbeat answer.
  const nodeToken = new NodeTokenHolder(db, config.nodeId, config.callbackToken, logger.child({ component: 'callback-tokens' }));

  const sender = createHttpMessageSender({ controlPlaneUrl: config.controlPlaneUrl, tokenFor, requestTimeoutMs: config.callbackRequestTimeoutMs });
  const outbox = new MessageOutbox({ db, config: readOutboxConfig(), send: sender.send, logger: logger.child({ component: 'outbox' }) });
  const controlPlane = new ControlPlaneClient({
    controlPlaneUrl: config.controlPlaneUrl,
    nodeId: config.nodeId,
    nodeToken: () => nodeToken.get(),
    workspaceToken: tokenFor,
    retry: {
      maxElapsedMs: config.callbackRetryMaxElapsedMs,
      initialIntervalMs: config.callbackRetryInitialIntervalMs,
      maxIntervalMs: config.callbackRetryMaxIntervalMs,
    },
    requestTimeoutMs: config.callbackRequestTimeoutMs,
    logger,
  });
  // How agents are contained here (announced to the control plane with nodeReady).
  const sandbox = nodeSandbox(config);
  if (sandbox.kind === 'unavailable') logger.error('no sandbox: agents will be refused', { reason: sandbox.reason });
  else logger.info('agent sandbox', { kind: sandbox.kind });
  // Each workspace's HOME and TMPDIR, model gateway and egress proxy: what its agent runs in.
  const sandboxes = new WorkspaceSandboxes({ sandbox, config, usage: usageStore, workspaces: workspaceStore, logger });
  const gitCredentials = new GitCredentialRegistry();
  // git on checkouts runs in the workspace's sandbox; the credentials only in the daemon's mirrors.
  const checkoutGit = new CheckoutGit({ sandbox, sharedWritable: config.sandbox.write });
  // The end of a task, stored before it is sent and sent until the control plane decides.
  const taskCallbacks = new TaskCallbackOutbox({
    store: new TaskCallbackStore(db),
    send: (taskId, workspaceId, body, signal) => controlPlane.taskCallback(taskId, workspaceId, body, signal),
    drain: (workspaceId, timeoutMs) => outbox.drain(workspaceId, timeoutMs),
    drainTimeoutMs: config.taskCallbackDrainTimeoutMs,
    retry: { initialIntervalMs: config.callbackRetryInitialIntervalMs, maxIntervalMs: config.callbackRetryMaxIntervalMs },
    logger: logger.child({ component: 'task-callbacks' }),
  });
  const agentSessions = new AgentSessionService({
    workspaces: workspaceStore,
    sessions: sessionStore,
    outbox,
    taskCallbacks,
    checkoutGit,
    workspaceRepository: (workspaceId) => ({ mirror: mirrorPathFor(config.dataDir, workspaceId), repoUrl: workspaceStore.get(workspaceId)?.repoUrl ?? null }),
    config,
    credentials,
    sandboxes,
    daemonVersion: DAEMON_VERSION,
    updateBufferSize: config.agentUpdateBufferSize,
    announcePermissionRequest: (workspaceId, request) => controlPlane.permissionRequested(workspaceId, request),
    sendSessionArchive: (workspaceId, body) => controlPlane.sessionArchive(workspaceId, body),
    gitCommandTimeoutMs: config.gitCommandTimeoutMs,
    gitPushTimeoutMs: config.gitPushTimeoutMs,
    diffStatMaxFiles: config.diffStatMaxFiles,
    diffPatchMaxBytes: config.diffPatchMaxBytes,
    pullRequests: { apiUrl: config.githubApiUrl, token: config.githubToken, timeoutMs: config.githubRequestTimeoutMs },
    gitAuth: (workspaceId) => gitCredentials.get(workspaceId),
    usageOf: (taskId, workspaceId) => usageStore.totalsOf(taskId, workspaceId),
    logger: logger.child({ component: 'agent-sessions' }),
  });
  // Agents spawned ahead of any task in empty workspace shells, for the next workspace (issue 15).
  const warmAgents = new WarmAgentService({
    store: workspaceStore,
    agentSessions,
    sandboxes,
    workspacePath: (workspaceId) => workspacePathFor(config.dataDir, workspaceId),
    agentKillTimeoutMs: config.agentKillTimeoutMs,
    logger,
  });
  const workspaces = new WorkspaceService({
    store: workspaceStore,
    agents: agentSessions,
    standbys: warmAgents,
    sandboxes,
    controlPlane,
    dataDir: config.dataDir,
    gitCloneTimeoutMs: config.gitCloneTimeoutMs,
    gitCommandTimeoutMs: config.gitCommandTimeoutMs,
    gitCredentials,
    checkoutGit,
    logger,
  });

  // Prepared workspaces with their agents spawned, for tasks to claim (issue 15).
  const hotAgents = new HotAgentService({
    workspaces,
    workspaceStore,
    agentSessions,
    sandboxes,
    gitCredentials,
    checkoutGit,
    gitCloneTimeoutMs: config.gitCloneTimeoutMs,
    gitCommandTimeoutMs: config.gitCommandTimeoutMs,
    logger,
  });

  outbox.start();
  taskCallbacks.start();
  hotAgents.recoverAfterRestart();
  await warmAgents.recoverAfterRestart();
  workspaces.recoverAfterRestart();
  agentSessions.recoverAfterRestart();

  const app = createDaemonApp({
    nodeId: config.nodeId,
    version: DAEMON_VERSION,
    keys,
    workspaces,
    agentSessions,
    hotAgents,
    warmAgents,
    logger,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    // With TLS an https.Server: it emits 'upgrade' like http.Server, so the sockets below serve wss.
    const https = tlsFiles ? { createServer: createHttpsServer, serverOptions: tlsFiles } : {};
    // autoCleanupIncoming: false — a body the app answered without reading (a refusal, a route
    // that takes none) is drained by Node's HTTP server itself; @hono/node-server's clean-up
    // would destroy the request instead, resetting the connection under a client still sending.
    const listening = serve({ fetch: app.fetch, hostname: config.host, port: config.port, autoCleanupIncoming: false, ...https }, () => resolve(listening));
    listening.once('error', reject);
  });
  const url = resolvePublicUrl(config.publicUrl, config.host, server.address() as AddressInfo, tlsFiles !== null);
  const agentStream = createAgentStreamSockets({ nodeId: config.nodeId, keys, agentSessions, logger, maxBufferedBytes: config.agentStreamMaxBufferedBytes });
  const terminals = createTerminalSockets({ nodeId: config.nodeId, keys, workspaces, sandboxes, logger, idleTimeoutMs: config.terminalIdleTimeoutMs });
  serveUpgrades(server, { agentStream: agentStream.handleUpgrade, terminal: terminals.handleUpgrade });

  let heartbeat: NodeJS.Timeout | undefined;
  let warmAgentStarted = false;
  let stopped: Promise<void> | undefined;
  const shutDown = async (): Promise<void> => {
    clearInterval(heartbeat);
    agentStream.close();
    terminals.close();
    await Promise.all([agentSessions.stopAll(), outbox.stop(), taskCallbacks.stop()]);
    await sandboxes.closeAll();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
    db.close();
  };

  return {
    url,
    sandbox: sandbox.kind,
    agents: agentAvailability(config.agentCommandOverrides, credentials),
    controlPlane,
    startWarmAgent() {
      if (warmAgentStarted || !config.warmAgent) return;
      warmAgentStarted = true;
      prepareProvisionedWarmAgent(warmAgents, config.warmAgent, logger);
    },
    startHeartbeat() {
      heartbeat ??= setInterval(() => {
        controlPlane
          .heartbeat({ workspaceIds: workspaces.activeWorkspaceIds() })
          .then((answer) => applyRefreshedTokens(answer, { nodeToken, workspaces: workspaceStore, logger: logger.child({ component: 'callback-tokens' }) }))
          .catch((error: unknown) => {
            logger.warn('heartbeat failed', { error: errorMessage(error) });
          });
      }, config.heartbeatIntervalMs);
    },
    stop() {
      stopped ??= shutDown();
      return stopped;
    },
  };
}
