/**
 * Warm agents of this node (issue 15, contracts hot-agents.ts `WarmAgentSpec`): an agent spawned
 * ahead of any task in an empty workspace shell — a workspace record in status `standby` with its
 * own directory, sandbox (HOME, TMPDIR, model gateway, egress proxy) and agent session — and
 * taken past ACP `initialize`, so that the next task on this node does not wait for the agent to
 * load. No repository, project or task is in the shell; its egress proxy allows only what the
 * node allows every workspace until a task's create-workspace request fills it.
 *
 * {@link WarmAgentService.take} is called by that request (workspace-service.ts): when it names
 * the standby's workspace and, in its `earlyAgent`, the same agent session, agent type, permission
 * policy and credentials, the shell becomes the workspace (the project's allowlist, the task's
 * model usage) and the agent opens its ACP session in the checkout once it succeeded — as an agent
 * started with the checkout does. Any other request for the id stops the warm agent first and
 * proceeds the usual way in the shell. Used once.
 *
 * A warm agent whose preparation failed leaves its shell for the request that names it (which
 * then starts its own agent there). Kept in memory: a restarted daemon removes the shells of the
 * warm agents it had
 * ({@link WarmAgentService.recoverAfterRestart}); the control plane's ids then name no standby, and
 * the task's workspace is created the usual way under them.
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { CreateWorkspaceRequest, NodeWarmAgentInfo, PrepareWarmAgentRequest, WarmAgentSpec } from '@flotilla/contracts';
import { badRequest, conflict, errorMessage, type Logger } from '@flotilla/kit';
import type { WorkspaceStore } from '../db/workspace-store.js';
import type { AgentSessionService } from '../agents/session/agent-session-service.js';
import type { WorkspaceSandboxes } from '../workspace-sandbox/workspace-sandboxes.js';
import { validateWorkspaceId } from '../workspaces/names.js';
import type { StandbyTaken } from '../workspaces/workspace-service.js';
import type { PreparedAgentSession } from './prepared-agent-session.js';

export interface WarmAgentServiceDeps {
  store: WorkspaceStore;
  agentSessions: Pick<AgentSessionService, 'prepareAgentSession'>;
  sandboxes: Pick<WorkspaceSandboxes, 'of' | 'createDirs' | 'remove'>;
  /** `<dataDir>/workspaces/<id>` (workspace-service.ts). */
  workspacePath(workspaceId: string): string;
  /** AGENT_KILL_TIMEOUT_MS: SIGTERM → SIGKILL for a warm agent that is not used. */
  agentKillTimeoutMs: number;
  logger: Logger;
}

interface Entry {
  request: PrepareWarmAgentRequest;
  session: PreparedAgentSession;
  /** Resolved by {@link WarmAgentService.take}: whether to send `session/new` (after the checkout). */
  openGate: (open: boolean | PromiseLike<boolean>) => void;
  error: string | null;
}

export class WarmAgentService {
  private readonly entries = new Map<string, Entry>();
  private readonly logger: Logger;

  constructor(private readonly deps: WarmAgentServiceDeps) {
    this.logger = deps.logger.child({ component: 'warm-agents' });
  }

  /**
   * Make the shell of `request.workspaceId` and start its agent (spawn in the shell's sandbox,
   * `initialize`) in the background. Answers at once with status `preparing`.
   * @throws FlotillaError bad_request (unusable workspace id), conflict (a workspace or standby of
   *   that id exists: it was prepared or used before)
   */
  prepare(request: PrepareWarmAgentRequest): NodeWarmAgentInfo {
    const problem = validateWorkspaceId(request.workspaceId);
    if (problem) throw badRequest(problem);
    const path = this.deps.workspacePath(request.workspaceId);
    if (!this.deps.store.insertStandby({ id: request.workspaceId, path, egressAllowlist: [] })) {
      throw conflict(`workspace ${request.workspaceId} exists on this node`);
    }
    this.deps.sandboxes.createDirs(request.workspaceId);
    // The sandbox binds the shell's directory: it exists (empty) before the agent starts in it.
    mkdirSync(path, { recursive: true });
    const session = this.deps.agentSessions.prepareAgentSession(request.workspaceId, request.agentSessionId, {
      agentType: request.agentType,
      initialPrompt: 'warm agent',
      taskId: null,
      taskTitle: null,
      permissionPolicy: 'allow',
      ...(request.agentCredentials ? { agentCredentials: request.agentCredentials } : {}),
    });
    let openGate: Entry['openGate'] = () => undefined;
    const gate = new Promise<boolean>((resolve) => {
      openGate = resolve;
    });
    const entry: Entry = { request, session, openGate, error: null };
    this.entries.set(request.workspaceId, entry);
    // A preparation that fails leaves the shell as it is: the request that names it takes the shell
    // and starts its own agent (take), with nothing to remove meanwhile that it could race with.
    session.prepare({ openSession: gate }).catch((error: unknown) => {
      entry.error = errorMessage(error);
      if (this.entries.get(request.workspaceId) === entry) this.logger.warn('warm agent could not be prepared', { workspaceId: request.workspaceId, error: entry.error });
    });
    this.logger.info('warm agent preparing', { workspaceId: request.workspaceId, agentSessionId: request.agentSessionId, agentType: request.agentType });
    return this.infoOf(entry);
  }

  /** The warm agents no request has taken yet. */
  list(): NodeWarmAgentInfo[] {
    return [...this.entries.values()].map((entry) => this.infoOf(entry));
  }

  /**
   * A create-workspace request for `request.workspaceId` takes its standby: the record becomes the
   * request's workspace (`creating`), the shell's sandbox takes the project's egress allowlist and
   * counts the agent's model usage for the task. When the request's `earlyAgent` is the warm
   * agent's session, type, permission policy and credentials and the agent is still usable, the
   * agent is kept; otherwise it is stopped (its session records go) and the request starts its own.
   * @returns null when there is no standby of that id (create the workspace the usual way)
   */
  take(request: CreateWorkspaceRequest): StandbyTaken | null {
    const entry = this.entries.get(request.workspaceId);
    if (!entry) return null;
    this.entries.delete(request.workspaceId);
    const { workspaceId } = request;
    const early = request.earlyAgent;
    const matches =
      early !== undefined &&
      early.agentSessionId === entry.request.agentSessionId &&
      early.agentType === entry.request.agentType &&
      early.permissionPolicy === 'allow' &&
      isDeepStrictEqual(early.agentCredentials ?? null, entry.request.agentCredentials ?? null) &&
      entry.session.usable;
    if (!matches) {
      this.logger.info('warm agent not used: the workspace asks for another agent', { workspaceId, agentType: early?.agentType ?? null });
      entry.openGate(false);
      void entry.session.stop(this.deps.agentKillTimeoutMs);
      // The shell stays as the workspace's directory and sandbox (nothing of a task was ever in it); its agent's records go.
      this.deps.store.deleteStandbySessions(workspaceId);
    }
    this.deps.store.fillStandby({
      id: workspaceId,
      branch: request.branch,
      baseBranch: request.baseBranch,
      callbackToken: request.callbackToken,
      projectId: request.projectId,
      chatSessionId: request.chatSessionId,
      taskId: request.taskId,
      repoUrl: request.repoUrl,
      egressAllowlist: request.egressAllowlist,
    });
    const record = this.deps.store.get(workspaceId);
    void this.deps.sandboxes.of(workspaceId).then(
      (sandbox) => {
        if (record) sandbox.fill(record);
      },
      () => undefined,
    );
    this.logger.info('warm agent taken', { workspaceId, agentKept: matches, taskId: request.taskId });
    if (!matches) return { agent: false };
    return { agent: true, openSession: (checkedOut) => entry.openGate(early.openSession ? checkedOut : false) };
  }

  /**
   * After a restart no warm agent of the previous run exists: their shells (status `standby`) are
   * removed — records, sandbox directories, checkout directories. Call before anything is prepared
   * (a shell of the same id, FLOTILLA_WARM_AGENT's, may be made again right after). Never throws.
   */
  async recoverAfterRestart(): Promise<void> {
    for (const standby of this.deps.store.listByStatus(['standby'])) {
      this.logger.info('removing the shell of a warm agent lost in a restart', { workspaceId: standby.id });
      this.deps.store.deleteStandby(standby.id);
      await this.removeDirs(standby.id);
    }
  }

  private async removeDirs(workspaceId: string): Promise<void> {
    try {
      await this.deps.sandboxes.remove(workspaceId);
      await rm(this.deps.workspacePath(workspaceId), { recursive: true, force: true });
    } catch (error) {
      this.logger.warn('could not remove a warm agent shell', { workspaceId, error: errorMessage(error) });
    }
  }

  private infoOf(entry: Entry): NodeWarmAgentInfo {
    const { workspaceId, agentSessionId, agentType } = entry.request;
    const status = entry.error !== null ? 'failed' : entry.session.connected ? 'ready' : 'preparing';
    return { workspaceId, agentSessionId, agentType, status, error: entry.error };
  }
}

/**
 * Prepare the warm agent of FLOTILLA_WARM_AGENT as the daemon announces itself. A daemon that restarts
 * finds the spec again: when the workspace exists (the warm agent was taken and its workspace
 * used), nothing is prepared; any other failure is logged — the node then works without it.
 */
export function prepareProvisionedWarmAgent(warmAgents: WarmAgentService, spec: WarmAgentSpec, logger: Logger): void {
  try {
    warmAgents.prepare(spec);
  } catch (error) {
    logger.info('warm agent of FLOTILLA_WARM_AGENT not prepared', { workspaceId: spec.workspaceId, reason: errorMessage(error) });
  }
}
