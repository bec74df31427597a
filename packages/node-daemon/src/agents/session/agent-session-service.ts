/**
 * Agent sessions of this node: register, start, look up, take prompts, stop — the node-wide
 * bookkeeping around the sessions whose agents run here (each owned by its `AgentSession`,
 * agent-session.ts). The two verbs are kept apart on purpose (DESIGN.md §1 word list; post-mortem
 * "missing initial prompt"): `registerAgentSession` only records a session; `startAgentSession`
 * starts the agent process AND delivers the initial prompt.
 */
import type { AgentSessionInfo, EarlyAgentStart, RegisterAgentSessionRequest, StartAgentSessionRequest } from '@flotilla/contracts';
import { conflict, errorMessage, notFound } from '@flotilla/kit';
import { toAgentSessionInfo } from '../../db/agent-session-store.js';
import type { WorkspaceRecord, WorkspaceStore } from '../../db/workspace-store.js';
import { failTask } from '../../tasks/task-completion.js';
import { PreparedAgentSession } from '../../hot-agents/prepared-agent-session.js';
import { AgentSession, type AgentSessionDeps } from './agent-session.js';

export interface AgentSessionServiceDeps extends AgentSessionDeps {
  workspaces: WorkspaceStore;
}

const key = (workspaceId: string, agentSessionId: string): string => `${workspaceId}\u0000${agentSessionId}`;

export class AgentSessionService {
  private readonly live = new Map<string, AgentSession>();
  /** Sessions prepared for a hot agent (issue 15), until a task's start takes them. */
  private readonly prepared = new Map<string, PreparedAgentSession>();

  constructor(private readonly deps: AgentSessionServiceDeps) {}

  private workspaceOrThrow(workspaceId: string): WorkspaceRecord {
    const workspace = this.deps.workspaces.get(workspaceId);
    if (!workspace || workspace.status === 'destroyed') throw notFound(`workspace ${workspaceId} not found`);
    return workspace;
  }

  /**
   * Record a new agent session in status `registered`. Starts nothing.
   *
   * @throws FlotillaError not_found (unknown workspace), conflict (id already registered in it).
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
   * `session/prompt`. Answers at once with status `starting`; the turns run in the background
   * (agent-session.ts) and end with the task callback when `request.taskId` is set.
   *
   * @throws FlotillaError not_found (unknown workspace or session), conflict (workspace not
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

    const chatSessionId = session.chatSessionId ?? workspace.chatSessionId;
    const prepared = this.prepared.get(key(workspaceId, agentSessionId));
    this.prepared.delete(key(workspaceId, agentSessionId));
    // A prepared agent answers permission requests by the policy it was spawned with: another policy
    // needs another agent; and a start that would load an archived session needs one with no session yet.
    const adoptable = prepared?.usable === true && prepared.permissionPolicy === request.permissionPolicy && !(request.sessionLoad && prepared.sentSessionNew);
    if (prepared && !adoptable) void prepared.stop(this.deps.config.agentKillTimeoutMs);
    const live = adoptable ? prepared.adopt({ workspace, chatSessionId, request }) : new AgentSession(this.deps, { workspace, agentSessionId, chatSessionId, request });
    this.live.set(key(workspaceId, agentSessionId), live);
    live.start();
    this.deps.logger.info('agent session starting', { workspaceId, agentSessionId, agentType: request.agentType });
    return this.getAgentSession(workspaceId, agentSessionId);
  }

  /**
   * Register session `agentSessionId` in workspace `workspaceId` (no chat session) and make its
   * agent ready ahead of a task (a hot agent, issue 15): `prepare()` on the answer spawns it and
   * opens its ACP session; the task's {@link startAgentSession} then delivers the prompt to it.
   * @throws FlotillaError not_found (unknown workspace), conflict (id already registered in it).
   */
  prepareAgentSession(workspaceId: string, agentSessionId: string, request: StartAgentSessionRequest, chatSessionId: string | null = null): PreparedAgentSession {
    this.registerAgentSession(workspaceId, { agentSessionId, chatSessionId });
    const workspace = this.workspaceOrThrow(workspaceId);
    const prepared = new PreparedAgentSession(this.deps, { workspace, agentSessionId, chatSessionId, request });
    this.prepared.set(key(workspaceId, agentSessionId), prepared);
    return prepared;
  }

  /**
   * Start a task's agent while its workspace is checked out (issue 15 item 1,
   * `CreateWorkspaceRequest.earlyAgent`): register session `early.agentSessionId`, spawn the agent
   * in the workspace's sandbox and send `initialize`, in the background; with `early.openSession`,
   * also `session/new` once `checkedOut` resolves true (the checkout succeeded). Nothing else:
   * the session's start call (made once the checkout succeeded) delivers the prompt, opening the
   * ACP session first when that is not done; a checkout that fails stops the agent
   * ({@link stopWorkspaceAgents}). A preparation that fails is only logged: the start spawns the
   * agent anew and reports it.
   * @throws FlotillaError not_found (unknown workspace), conflict (id already registered in it)
   */
  startEarly(workspaceId: string, chatSessionId: string | null, taskId: string | null, early: EarlyAgentStart, checkedOut: Promise<boolean>): void {
    const request: StartAgentSessionRequest = {
      agentType: early.agentType,
      initialPrompt: 'started early',
      taskId,
      taskTitle: null,
      permissionPolicy: early.permissionPolicy,
      ...(early.agentCredentials ? { agentCredentials: early.agentCredentials } : {}),
    };
    const prepared = this.prepareAgentSession(workspaceId, early.agentSessionId, request, chatSessionId);
    this.deps.logger.info('agent starting with the checkout', { workspaceId, agentSessionId: early.agentSessionId, agentType: early.agentType, openSession: early.openSession });
    prepared.prepare({ openSession: early.openSession ? checkedOut : false }).catch((error: unknown) => {
      if (prepared.stopRequested) return;
      this.deps.logger.warn('agent started early could not be prepared; its start will spawn it anew', { workspaceId, agentSessionId: early.agentSessionId, error: errorMessage(error) });
    });
  }

  /** @throws FlotillaError not_found (unknown workspace or session). */
  getAgentSession(workspaceId: string, agentSessionId: string): AgentSessionInfo {
    this.workspaceOrThrow(workspaceId);
    const session = this.deps.sessions.get(workspaceId, agentSessionId);
    if (!session) throw notFound(`agent session ${agentSessionId} not found in workspace ${workspaceId}`);
    return toAgentSessionInfo(session);
  }

  /**
   * Cancel a session's turn and stop its agent, keeping the workspace (a cancelled task, or a
   * run the control plane ended): ACP `session/cancel`, up to AGENT_CANCEL_GRACE_MS for the turn
   * to end, then the process group is stopped (SIGTERM, SIGKILL after AGENT_KILL_TIMEOUT_MS).
   * The turn's outcome is not reported (the control plane already decided it). A session that
   * was registered, starting, running or idle becomes `stopped`; one that already ended keeps
   * its status. Answers when the agent process is gone.
   *
   * @throws FlotillaError not_found (unknown workspace or session).
   */
  async cancelAgentSession(workspaceId: string, agentSessionId: string): Promise<AgentSessionInfo> {
    this.workspaceOrThrow(workspaceId);
    const session = this.deps.sessions.get(workspaceId, agentSessionId);
    if (!session) throw notFound(`agent session ${agentSessionId} not found in workspace ${workspaceId}`);
    const entryKey = key(workspaceId, agentSessionId);
    // An agent started early (or a hot agent) that no start took yet goes too.
    const prepared = this.prepared.get(entryKey);
    if (prepared) {
      this.prepared.delete(entryKey);
      await prepared.stop(this.deps.config.agentKillTimeoutMs);
    }
    const live = this.live.get(entryKey);
    if (live) {
      this.live.delete(entryKey);
      await live.cancel(this.deps.config.agentCancelGraceMs, this.deps.config.agentKillTimeoutMs);
    }
    const status = this.deps.sessions.get(workspaceId, agentSessionId)?.status;
    if (status === 'registered' || status === 'starting' || status === 'running' || status === 'idle') {
      this.deps.sessions.setStatus(workspaceId, agentSessionId, 'stopped', 'cancelled');
    }
    this.deps.logger.info('agent session cancelled', { workspaceId, agentSessionId, hadAgent: live !== undefined || prepared !== undefined });
    return this.getAgentSession(workspaceId, agentSessionId);
  }

  /**
   * The workspace's agent session whose agent this daemon runs (the latest started, when there
   * were several), or undefined when no agent runs in it.
   */
  liveSessionOf(workspaceId: string): AgentSession | undefined {
    let latest: AgentSession | undefined;
    for (const live of this.live.values()) if (live.workspaceId === workspaceId && !live.stopRequested) latest = live;
    return latest;
  }

  /**
   * Deliver a follow-up prompt to the workspace's running agent (issue 3 direct channel; and the
   * control plane's follow-ups, {@link deliverFollowUpPromptOnce}). During a turn the prompt is
   * queued and delivered when the turn ends, before a task's completion is reported; an idle
   * agent gets it at once (AgentSession.acceptPrompt).
   *
   * @param text the prompt, non-empty.
   * @param messageId the id under which the control plane stored the prompt, when it did; without
   *   it a fresh id is made and the daemon persists the prompt as a `user` chat message when it is
   *   delivered.
   * @returns the agent session, the prompt's chat messageId, and whether it was `queued` behind a
   *   running turn or `delivered` now.
   * @throws FlotillaError not_found (no agent runs in the workspace), conflict (the session has
   *   failed or stopped).
   */
  sendFollowUpPrompt(
    workspaceId: string,
    text: string,
    messageId?: string,
  ): { agentSessionId: string; messageId: string; delivery: 'queued' | 'delivered' } {
    this.workspaceOrThrow(workspaceId);
    const live = this.liveSessionOf(workspaceId);
    if (!live) throw notFound(`no agent is running in workspace ${workspaceId}`);
    return { agentSessionId: live.agentSessionId, ...live.acceptPrompt(text, messageId) };
  }

  /**
   * Deliver a control-plane follow-up prompt (issue 4 item 5, `POST …/agent-sessions/:sid/prompt`)
   * to agent session `agentSessionId` exactly once: `messageId` is the idempotency key, so a
   * delivery retried after a lost answer is recognised and not delivered again. Otherwise as
   * {@link sendFollowUpPrompt}.
   *
   * @returns `duplicate` when `messageId` was accepted before, else `queued` or `delivered`.
   * @throws FlotillaError not_found (unknown workspace, or no agent runs in it), conflict (the
   *   workspace's running agent is another session's, or the session failed or stopped).
   */
  deliverFollowUpPromptOnce(
    workspaceId: string,
    agentSessionId: string,
    text: string,
    messageId: string,
  ): { agentSessionId: string; messageId: string; delivery: 'queued' | 'delivered' | 'duplicate' } {
    this.workspaceOrThrow(workspaceId);
    const live = this.liveSessionOf(workspaceId);
    if (!live) throw notFound(`no agent is running in workspace ${workspaceId}`);
    if (live.agentSessionId !== agentSessionId) {
      throw conflict(`agent session ${agentSessionId} is not the one running in workspace ${workspaceId}`);
    }
    if (live.hasAccepted(messageId)) return { agentSessionId, messageId, delivery: 'duplicate' };
    return this.sendFollowUpPrompt(workspaceId, text, messageId);
  }

  /**
   * Stop every agent of a workspace (it is being deleted); sessions still active become
   * `stopped` and their turns report nothing more.
   */
  async stopWorkspaceAgents(workspaceId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [entryKey, prepared] of this.prepared) {
      if (prepared.workspaceId !== workspaceId) continue;
      this.prepared.delete(entryKey);
      stopping.push(prepared.stop(this.deps.config.agentKillTimeoutMs));
    }
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
    const all = [...this.live.values(), ...this.prepared.values()];
    this.live.clear();
    this.prepared.clear();
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
