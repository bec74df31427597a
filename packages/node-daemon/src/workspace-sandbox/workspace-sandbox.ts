/**
 * The sandbox of one workspace (DESIGN.md §7): what every process the daemon starts for it runs
 * in — its agent and its terminal's shell. It owns the workspace's model gateway (with the random
 * workspace token) and egress proxy, and makes the command lines: this node's sandbox (sandbox/)
 * around the command, the checkout, HOME and TMPDIR writable (sandbox-paths.ts), the gateway and the
 * proxy reachable at fixed ports of the sandbox's loopback (bridges to their Unix sockets), and the
 * environment of agent-env.ts. On an unconfined node (FLOTILLA_UNSAFE_NO_SANDBOX=1) there is no
 * network namespace to bridge into: the servers listen on free ports of 127.0.0.1 and the process
 * is given those.
 */
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AgentType } from '@flotilla/contracts';
import { errorMessage, type Logger } from '@flotilla/kit';
import type { AgentCredentials } from '../agent-credentials.js';
import type { DaemonConfig } from '../config.js';
import type { ModelUsageRow } from '../db/model-usage-store.js';
import type { WorkspaceRecord } from '../db/workspace-store.js';
import { AddressPolicy } from '../egress-proxy/address-policy.js';
import { createEgressProxy, type EgressProxy } from '../egress-proxy/egress-proxy.js';
import type { PermissionPolicyValue } from '../agents/acp/permission-policy.js';
import { buildAgentEnv, buildSandboxEnv } from '../agents/process/agent-env.js';
import { AGENT_DEFINITIONS, writeHomeFiles } from '../agents/registry/index.js';
import { modelOf } from '../agent-credentials.js';
import { upstreamOf } from '../model-gateway/agent-gateways.js';
import { createModelGateway, type GatewayRoute } from '../model-gateway/gateway-server.js';
import { newGatewayToken } from '../model-gateway/gateway-token.js';
import { SANDBOX_STATUS_FD, type Sandbox, type SpawnSpec } from '../sandbox/index.js';
import { closeServer, listenOn, type Endpoint } from './listen.js';
import { createSandboxDirs, createSocketDir, sandboxDirs, type SandboxDirs } from './sandbox-paths.js';

/** Ports of the sandbox's own loopback the bridges listen on. */
export const GATEWAY_PORT_IN_SANDBOX = 4141;
export const EGRESS_PORT_IN_SANDBOX = 3128;

export interface WorkspaceSandboxDeps {
  /** This node's sandbox (bubblewrap, or unconfined when the operator opted out). */
  sandbox: Sandbox;
  config: Pick<DaemonConfig, 'dataDir' | 'sandbox' | 'egress' | 'modelGateway' | 'agentEnvPassthrough'>;
  usage: { record(row: ModelUsageRow): void };
  logger: Logger;
}

/** An agent to start in the workspace. */
export interface AgentStartSpec {
  agentType: AgentType;
  /** The executable (an absolute path) and its arguments. */
  command: string;
  args: readonly string[];
  /** Whether the command is the agent registry's own: then its definition's arguments follow `args`. */
  builtIn: boolean;
  permissionPolicy: PermissionPolicyValue;
  /** The node's credentials for this agent (the control plane's stored key over the daemon's own); only the gateway uses them. */
  credentials: AgentCredentials;
  agentSessionId: string;
  taskId: string | null;
}

export class WorkspaceSandbox {
  /** Where the gateway's requests go now; set when an agent is started. */
  private route: GatewayRoute | null = null;

  private constructor(
    private readonly deps: WorkspaceSandboxDeps,
    private workspace: WorkspaceRecord,
    readonly dirs: SandboxDirs,
    private readonly socketDir: string | null,
    private readonly gateway: { server: Server; endpoint: Endpoint; token: string },
    private readonly proxy: { egress: EgressProxy; endpoint: Endpoint },
  ) {}

  /**
   * Start the workspace's gateway and proxy (its HOME and TMPDIR are made too, when missing).
   * @throws when the socket directory or a server cannot be made
   */
  static async open(deps: WorkspaceSandboxDeps, workspace: WorkspaceRecord): Promise<WorkspaceSandbox> {
    const dirs = sandboxDirs(deps.config.dataDir, workspace.id);
    createSandboxDirs(dirs);
    const bridged = deps.sandbox.kind === 'bubblewrap';
    const socketDir = bridged ? createSocketDir(deps.config.sandbox.runDir, workspace.id) : null;
    const logger = deps.logger.child({ workspaceId: workspace.id });
    const token = newGatewayToken();
    let current: WorkspaceSandbox | null = null;
    const gatewayServer = createModelGateway({
      workspaceId: workspace.id,
      token,
      route: () => current?.route ?? null,
      limits: deps.config.modelGateway,
      usage: deps.usage,
      logger,
    });
    const egress = createEgressProxy({
      workspaceId: workspace.id,
      allowlist: [...new Set([...workspace.egressAllowlist, ...deps.config.egress.allow])],
      addresses: new AddressPolicy(deps.config.egress.allowAddresses),
      connectTimeoutMs: deps.config.egress.connectTimeoutMs,
      logger,
    });
    try {
      const gatewayEndpoint = await listenOn(gatewayServer, socketDir ? join(socketDir, 'gateway.sock') : null);
      const proxyEndpoint = await listenOn(egress.server, socketDir ? join(socketDir, 'egress.sock') : null);
      current = new WorkspaceSandbox(deps, workspace, dirs, socketDir, { server: gatewayServer, endpoint: gatewayEndpoint, token }, { egress, endpoint: proxyEndpoint });
      return current;
    } catch (error) {
      await Promise.all([closeServer(gatewayServer), closeServer(egress.server)]);
      if (socketDir) await rm(socketDir, { recursive: true, force: true });
      throw new Error(`the sandbox of workspace ${workspace.id} could not start its model gateway and egress proxy: ${errorMessage(error)}`);
    }
  }

  /**
   * Prepare `start`'s agent in the workspace and say how to spawn it: its definition's
   * configuration files are written into the sandbox's HOME, its environment points it at the
   * gateway with the workspace token; from now on the gateway forwards to its model API with its
   * credential and counts the usage for `start.agentSessionId` and `start.taskId`.
   * @throws when a configuration file cannot be written
   */
  agentCommand(start: AgentStartSpec): SpawnSpec {
    const upstream = upstreamOf(start.agentType);
    const { baseUrl, credential } = upstream.target(start.credentials);
    this.route = { upstream, baseUrl, credential, agentSessionId: start.agentSessionId, taskId: start.taskId };
    const launch = AGENT_DEFINITIONS[start.agentType].launch({
      home: this.dirs.home,
      gatewayUrl: `http://127.0.0.1:${this.port(this.gateway.endpoint, GATEWAY_PORT_IN_SANDBOX)}`,
      token: this.gateway.token,
      model: modelOf(start.credentials, start.agentType),
      permissionPolicy: start.permissionPolicy,
    });
    writeHomeFiles(this.dirs.home, launch.files);
    const env = buildAgentEnv({ ...this.envBase(), agentEnv: launch.env });
    const args = start.builtIn ? [...start.args, ...launch.args] : start.args;
    return this.wrap(start.command, args, env, { gateway: true, interactive: false });
  }

  /**
   * The standby this sandbox was opened for became workspace `workspace` (a warm agent's shell
   * filled, issue 15): its egress proxy allows the workspace's allowlist from now on, and the
   * agent's model usage counts for its task. The path is the standby's, unchanged.
   */
  fill(workspace: WorkspaceRecord): void {
    this.workspace = workspace;
    this.proxy.egress.setAllowlist([...new Set([...workspace.egressAllowlist, ...this.deps.config.egress.allow])]);
    if (workspace.taskId !== null) this.assignTask(workspace.taskId);
  }

  /** The agent's model usage counts for task `taskId` from now on (a hot agent claimed by a task, issue 15). */
  assignTask(taskId: string): void {
    if (this.route) this.route = { ...this.route, taskId };
  }

  /** How to spawn a terminal's shell in the workspace: the agent's environment without the gateway (no token). */
  terminalCommand(shell: string): SpawnSpec {
    return this.wrap(shell, [], { ...buildSandboxEnv(this.envBase()), TERM: 'xterm-256color' }, { gateway: false, interactive: true });
  }

  /** Stop the gateway and the proxy (cutting their connections) and remove the socket directory. */
  async close(): Promise<void> {
    this.proxy.egress.destroyTunnels();
    await Promise.all([closeServer(this.gateway.server), closeServer(this.proxy.egress.server)]);
    if (this.socketDir) await rm(this.socketDir, { recursive: true, force: true });
  }

  private envBase() {
    return {
      home: this.dirs.home,
      tmp: this.dirs.tmp,
      proxyUrl: `http://127.0.0.1:${this.port(this.proxy.endpoint, EGRESS_PORT_IN_SANDBOX)}`,
      passthrough: this.deps.config.agentEnvPassthrough,
      sourceEnv: process.env,
    };
  }

  /** The port a process of the sandbox reaches `endpoint` at: the bridge's, or the server's own on an unconfined node. */
  private port(endpoint: Endpoint, bridgePort: number): number {
    return endpoint.kind === 'tcp' ? endpoint.port : bridgePort;
  }

  /** `gateway`: bridge the model gateway in too; `interactive`: a terminal's shell (sandbox.ts `SandboxedCommand.interactive`). */
  private wrap(command: string, args: readonly string[], env: Record<string, string>, options: { gateway: boolean; interactive: boolean }): SpawnSpec {
    const bridges: Array<{ port: number; socket: string }> = [];
    if (this.proxy.endpoint.kind === 'socket') bridges.push({ port: EGRESS_PORT_IN_SANDBOX, socket: this.proxy.endpoint.path });
    if (options.gateway && this.gateway.endpoint.kind === 'socket') bridges.push({ port: GATEWAY_PORT_IN_SANDBOX, socket: this.gateway.endpoint.path });
    return this.deps.sandbox.wrap({
      command,
      args,
      cwd: this.workspace.path,
      env,
      writable: [this.workspace.path, this.dirs.home, this.dirs.tmp, ...this.deps.config.sandbox.write],
      bridges,
      interactive: options.interactive,
      ...(options.interactive ? {} : { statusFd: SANDBOX_STATUS_FD }),
    });
  }
}
