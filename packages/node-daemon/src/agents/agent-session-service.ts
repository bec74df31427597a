/**
 * Agent sessions of this node: register, start, look up, stop. The two verbs are kept apart on
 * purpose (DESIGN.md §1 word list; post-mortem "missing initial prompt"): `registerAgentSession`
 * only records a session; `startAgentSession` starts the agent process AND delivers the initial
 * prompt.
 */
import type {
  AgentSessionInfo,
  RegisterAgentSessionRequest,
  StartAgentSessionRequest,
} from '@flotilla/contracts';
import { toAgentSessionInfo } from '../db/agent-session-store.js';
import type { WorkspaceRecord, WorkspaceStore } from '../db/workspace-store.js';
import { conflict, errorMessage, notFound } from '../errors.js';
import type { AgentUpdateStream } from './agent-update-stream.js';
import { type InitialTurnDeps, runInitialTurn } from './initial-turn.js';
import { LiveAgentSession } from './live-agent-session.js';
import { failTask } from './task-completion.js';

export interface AgentSessionServiceDeps extends InitialTurnDeps {
  workspaces: WorkspaceStore;
  /** AGENT_UPDATE_BUFFER_SIZE. */
  updateBufferSize: number;
}

const key = (workspaceId: string, agentSessionId: string): string => `${workspaceId}\u0000${agentSessionId}`;

export class AgentSessionService {
  private readonly live = new Map<string, LiveAgentSession>();

  constructor(private readonly deps: AgentSessionServiceDeps) {}

  private workspaceOrThrow(workspaceId: string): WorkspaceRecord {
    const workspace = this.deps.workspaces.get(workspaceId);
    if (!workspace || workspace.status === 'destroyed') throw notFound(`workspace ${workspaceId} not found`);
    return workspace;
  }

  /**
   * Record a new agent session in status `registered`. Starts nothing.
   *
   * @throws DaemonError not_found (unknown workspace), conflict (id already registered in it).
   */
  registerAgentSession(workspaceId: string, request: RegisterAgentSessionRequest): AgentSessionInfo {
    this.workspaceOrThrow(workspaceId);
    if (!this.deps.sessions.insert(workspaceId, request.agentSessionId, request.chatSessionId)) {
      throw conflict(`agent session ${request.agentSessionId} already exists in workspace ${workspaceId}`);
    }
    this.deps.logger.info('agent session registered', { workspaceId, agentSessionId: request.agentSessionId });
    return this.getAgentSession(workspaceId, request.agentSessionId);
  }

  /**
   * Start the agent of a registered session and deliver `request.initialPrompt` as its first
   * `session/prompt`. Answers at once with status `starting`; the turn runs in the background
   * (initial-turn.ts) and ends with the task callback when `request.taskId` is set.
   *
   * @throws DaemonError not_found (unknown workspace or session), conflict (workspace not
   *   `running`, or session already started).
   */
  startAgentSession(workspaceId: string, agentSessionId: string, request: StartAgentSessionRequest): AgentSessionInfo {
    const workspace = this.workspaceOrThrow(workspaceId);
    const session = this.deps.sessions.get(workspaceId, agentSessionId);
    if (!session) throw notFound(`agent session ${agentSessionId} not found in workspace ${workspaceId}`);
    if (workspace.status !== 'running') {
      throw conflict(`workspace ${workspaceId} is ${workspace.status}, not running`);
    }
    const started = this.deps.sessions.markStarting(workspaceId, agentSessionId, {
      agentType: request.agentType,
      taskId: request.taskId,
      taskTitle: request.taskTitle,
    });
    if (!started) throw conflict(`agent session ${agentSessionId} was already started (status ${session.status})`);

    const live = new LiveAgentSession(workspaceId, agentSessionId, this.deps.updateBufferSize);
    this.live.set(key(workspaceId, agentSessionId), live);
    void runInitialTurn(this.deps, {
      live,
      workspace,
      chatSessionId: session.chatSessionId ?? workspace.chatSessionId,
      request,
    }).catch((error: unknown) => {
      // runInitialTurn reports its own failures; this only guards against a bug in it.
      this.deps.logger.error('agent turn crashed', { workspaceId, agentSessionId, error: errorMessage(error) });
    });
    this.deps.logger.info('agent session starting', { workspaceId, agentSessionId, agentType: request.agentType });
    return this.getAgentSession(workspaceId, agentSessionId);
  }

  /** @throws DaemonError not_found (unknown workspace or session). */
  getAgentSession(workspaceId: string, agentSessionId: string): AgentSessionInfo {
    this.workspaceOrThrow(workspaceId);
    const session = this.deps.sessions.get(workspaceId, agentSessionId);
    if (!session) throw notFound(`agent session ${agentSessionId} not found in workspace ${workspaceId}`);
    return toAgentSessionInfo(session);
  }

  /** Raw ACP updates of a session this daemon started, or undefined. */
  updateStream(workspaceId: string, agentSessionId: string): AgentUpdateStream | undefined {
    return this.live.get(key(workspaceId, agentSessionId))?.updates;
  }

  /**
   * Stop every agent of a workspace (it is being deleted); sessions still active become
   * `stopped` and their turns report nothing more.
   */
  async stopWorkspaceAgents(workspaceId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [entryKey, live] of this.live) {
      if (live.workspaceId !== workspaceId) continue;
      this.live.delete(entryKey);
      stopping.push(
        live.stop(this.deps.config.agentKillTimeoutMs).then(() => {
          // A session that already ended (failed) keeps that outcome.
          const status = this.deps.sessions.get(workspaceId, live.agentSessionId)?.status;
          if (status === 'starting' || status === 'running' || status === 'idle') {
            this.deps.sessions.setStatus(workspaceId, live.agentSessionId, 'stopped');
          }
        }),
      );
    }
    await Promise.all(stopping);
  }

  /**
   * Stop every agent process (daemon shutdown). Session records keep their status, so a turn cut
   * short is reported as failed by {@link recoverAfterRestart} when the daemon comes back.
   */
  async stopAll(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.all(all.map((live) => live.stop(this.deps.config.agentKillTimeoutMs)));
  }

  /**
   * After a restart no agent process of a previous run exists any more. Sessions that were
   * `starting`/`running` become `failed` and their tasks get a failed callback (in the
   * background); `idle` sessions become `stopped`.
   */
  recoverAfterRestart(): void {
    for (const session of this.deps.sessions.listByStatus(['idle'])) {
      this.deps.sessions.setStatus(session.workspaceId, session.agentSessionId, 'stopped');
    }
    const error = 'the node daemon restarted while the agent was working; the turn was lost';
    for (const session of this.deps.sessions.listByStatus(['starting', 'running'])) {
      this.deps.sessions.setStatus(session.workspaceId, session.agentSessionId, 'failed', error);
      this.deps.logger.warn('agent session lost in a restart', {
        workspaceId: session.workspaceId,
        agentSessionId: session.agentSessionId,
        taskId: session.taskId,
      });
      if (session.taskId === null) continue;
      failTask(this.deps, session.taskId, session.workspaceId, error).catch((failure: unknown) => {
        this.deps.logger.error('task callback not delivered', { taskId: session.taskId, error: errorMessage(failure) });
      });
    }
  }
}
