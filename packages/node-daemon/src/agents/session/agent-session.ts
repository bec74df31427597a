/**
 * One agent session whose agent this daemon runs (DESIGN.md §2 hop 3) — the one owner of its
 * agent process, its ACP connection, its prompt queue and its turns. Nothing else changes them.
 *
 * {@link AgentSession.start} spawns the agent, opens an ACP session in the workspace (or loads a
 * resumed task's archived one, session-resume.ts) and then
 * delivers the queued prompts, one `session/prompt` turn after another: the initial prompt is
 * simply the first of them (queued-prompt.ts). Prompts accepted while a turn runs wait their turn;
 * one accepted by an idle agent starts the loop again. Every `session/update` becomes chat
 * messages in the outbox (chat-emitter.ts) and then an event of the direct channel's update stream.
 *
 * A task session reports its end once: when the first turn and the prompts queued during it are
 * done — completed (commit, push, pull request, task callback: tasks/task-completion.ts) or failed.
 *
 * Status (agent-session store): `starting` → `running` (prompt sent) → `idle` (turns over; the
 * agent stays alive until the workspace is deleted) or `failed` (agent stopped); later prompts move
 * an idle session to `running` and back to `idle`, or to `failed`. An idle agent that exits on its
 * own moves the session to `stopped`. When the daemon stops the agent itself (cancel, workspace
 * deleted, shutdown) nothing more is reported.
 */
import type { SessionNotification, StopReason } from '@agentclientprotocol/sdk';
import type { AgentSessionStatus, PermissionRequestedCallback, SessionArchiveCallbackRequest, StartAgentSessionRequest } from '@flotilla/contracts';
import { missingAgentSettings } from '@flotilla/contracts';
import { conflict, errorMessage, permanentFailure, type Logger } from '@flotilla/kit';
import { withOverrides, type AgentCredentials } from '../../agent-credentials.js';
import type { DaemonConfig } from '../../config.js';
import type { AgentSessionStore } from '../../db/agent-session-store.js';
import type { WorkspaceRecord } from '../../db/workspace-store.js';
import { completeTask, failTask, type TaskCompletionDeps } from '../../tasks/task-completion.js';
import { connectAcp, openAcpSession, type AcpConnection, type AcpSession } from '../acp/acp-connection.js';
import { PermissionRequests } from '../acp/permission-requests.js';
import { ChatEmitter } from '../chat/chat-emitter.js';
import type { ChatMessageSink } from '../chat/chat-message-sink.js';
import { missingSettingsMessage } from '../process/missing-settings.js';
import { resolveAgentCommand } from '../process/agent-commands.js';
import { describeAgentFailure, describeExit, rejectOnExit } from '../process/agent-failure.js';
import { AgentProcess, AgentSpawnError } from '../process/agent-process.js';
import { findExecutable } from '../process/find-executable.js';
import type { WorkspaceSandboxes } from '../../workspace-sandbox/workspace-sandboxes.js';
import { AgentUpdateStream } from './agent-update-stream.js';
import { followUpPrompt, initialPrompt, type QueuedPrompt } from './queued-prompt.js';
import { archiveSessionFiles, openResumableSession, type AgentPlace } from './session-resume.js';

export interface AgentSessionDeps extends TaskCompletionDeps {
  sessions: AgentSessionStore;
  outbox: ChatMessageSink;
  config: Pick<
    DaemonConfig,
    | 'agentCommandOverrides'
    | 'agentStderrTailBytes'
    | 'agentExitGraceMs'
    | 'agentKillTimeoutMs'
    | 'agentCancelGraceMs'
    | 'permissionRequestTimeoutMs'
    | 'acpInitializeTimeoutMs'
    | 'chatToolOutputMaxBytes'
    | 'sessionArchiveMaxBytes'
  >;
  /** The node's agent credentials; only the workspace's model gateway gets them. */
  credentials: AgentCredentials;
  daemonVersion: string;
  /** AGENT_UPDATE_BUFFER_SIZE: raw updates kept for viewers that connect late. */
  updateBufferSize: number;
  /**
   * Tell the control plane an agent waits for a permission answer (it notifies people:
   * issue 16, item 3). Best effort: a failure is the caller's to log. Absent: nobody is told.
   */
  announcePermissionRequest?: (workspaceId: string, request: PermissionRequestedCallback) => Promise<void>;
  /** The workspaces' sandboxes every agent process runs in (refusing, with the reason, where this node has none). */
  sandboxes: Pick<WorkspaceSandboxes, 'of'>;
  /**
   * Send the session files of a workspace's agent to the control plane, for a resume with
   * `session/load` (session-resume.ts). Absent: none are sent.
   */
  sendSessionArchive?: (workspaceId: string, body: SessionArchiveCallbackRequest) => Promise<void>;
}

export interface AgentSessionStart {
  workspace: WorkspaceRecord;
  agentSessionId: string;
  /** Chat session the messages go to; null: no chat, messages are not persisted. */
  chatSessionId: string | null;
  request: StartAgentSessionRequest;
}

/** Statuses in which a session takes prompts. */
const TAKES_PROMPTS: ReadonlySet<AgentSessionStatus> = new Set(['starting', 'running', 'idle']);

export class AgentSession {
  readonly workspaceId: string;
  readonly agentSessionId: string;
  /** The raw ACP updates, for the direct channel. */
  readonly updates: AgentUpdateStream;
  /** Permission requests waiting for a viewer (policy `ask`). */
  readonly permissions: PermissionRequests;
  // Replaced when a prepared session is adopted by a task (hot-agents/prepared-agent-session.ts).
  protected workspace: WorkspaceRecord;
  protected request: StartAgentSessionRequest;
  protected chat: ChatEmitter;
  protected readonly logger: Logger;
  private readonly queue: QueuedPrompt[] = [];
  /** Message ids of every follow-up accepted (the idempotency keys of control-plane deliveries). */
  private readonly acceptedPromptIds = new Set<string>();
  protected agent: AgentProcess | null = null;
  protected acp: AcpSession | null = null;
  /** An agent past `initialize` with no session yet (started early, hot-agents/prepared-agent-session.ts). */
  protected acpConnection: AcpConnection | null = null;
  /** The `session/prompt` under way, if any (settles when the turn ends, however it ends). */
  private promptInFlight: Promise<unknown> | null = null;
  /** True while a loop delivers queued prompts. */
  private deliveringPrompts = false;
  private status: AgentSessionStatus = 'starting';
  private stopping = false;

  /** A session whose record was just moved to `starting`; nothing runs until {@link start}. */
  constructor(
    protected readonly deps: AgentSessionDeps,
    start: AgentSessionStart,
  ) {
    this.workspace = start.workspace;
    this.workspaceId = start.workspace.id;
    this.agentSessionId = start.agentSessionId;
    this.request = start.request;
    const ids = { workspaceId: this.workspaceId, agentSessionId: this.agentSessionId };
    this.logger = deps.logger.child({ component: 'agent-session', ...ids, agentType: start.request.agentType });
    this.updates = new AgentUpdateStream(deps.updateBufferSize);
    this.permissions = new PermissionRequests(deps.config.permissionRequestTimeoutMs, deps.logger.child({ component: 'permissions', ...ids }));
    const announce = deps.announcePermissionRequest;
    if (announce) {
      this.permissions.on('requested', (request) => {
        const callback = { agentSessionId: this.agentSessionId, requestId: request.requestId, title: request.toolCall.title, options: request.options };
        announce(this.workspaceId, callback).catch((error: unknown) => this.logger.warn('permission request not announced to the control plane', { requestId: request.requestId, error: errorMessage(error) }));
      });
    }
    this.chat = new ChatEmitter(deps.outbox, { workspaceId: this.workspaceId, chatSessionId: start.chatSessionId, projectId: start.workspace.projectId }, this.logger, {
      toolOutputMaxBytes: deps.config.chatToolOutputMaxBytes,
    });
  }

  /** True once the daemon stopped (or cancelled) the agent: nothing more is reported. */
  get stopRequested(): boolean {
    return this.stopping;
  }

  /**
   * Start the agent and deliver the initial prompt, then the prompts queued meanwhile, in the
   * background; end a task's run with its callback. Never throws: every outcome is recorded in
   * the session's status (and, for a task, in the task callback).
   */
  start(): void {
    const { prompt, persistNow } = initialPrompt(this.request);
    // The chat shows the prompt first, when the daemon is the first to see it.
    if (persistNow) this.chat.userPrompt(prompt.text, prompt.messageId);
    this.queue.unshift(prompt);
    this.runFirstTurns().catch((error: unknown) => {
      // runFirstTurns reports its own failures; this only guards against a bug in it.
      this.logger.error('agent turn crashed', { error: errorMessage(error) });
    });
  }

  /** Whether a follow-up with this message id was accepted before. */
  hasAccepted(messageId: string): boolean {
    return this.acceptedPromptIds.has(messageId);
  }

  /**
   * Take a follow-up prompt: during a turn (or before the first) it waits and is delivered when
   * the turn ends, before a task's end is reported; an idle agent gets it at once.
   *
   * @param messageId the id under which the control plane stored the prompt; without it the
   *   daemon persists it, under a fresh id, when it is delivered
   * @returns the prompt's messageId, and whether it was `queued` or `delivered` now
   * @throws FlotillaError conflict when the session failed or stopped
   */
  acceptPrompt(text: string, messageId?: string): { messageId: string; delivery: 'queued' | 'delivered' } {
    if (!TAKES_PROMPTS.has(this.status)) throw conflict(`agent session ${this.agentSessionId} is ${this.status}; it takes no more prompts`);
    const prompt = followUpPrompt(text, messageId);
    this.acceptedPromptIds.add(prompt.messageId);
    this.queue.push(prompt);
    const queued = this.deliveringPrompts || this.status !== 'idle';
    if (!queued) void this.runLaterTurns();
    this.logger.info('follow-up prompt accepted', { messageId: prompt.messageId, queued });
    return { messageId: prompt.messageId, delivery: queued ? 'queued' : 'delivered' };
  }

  /**
   * Stop the agent: close the ACP connection and stop the process group (SIGTERM, SIGKILL after
   * `killTimeoutMs`). Safe to call at any point, also before the process exists — a process
   * spawned afterwards is stopped as soon as it is there.
   */
  async stop(killTimeoutMs: number): Promise<void> {
    this.stopping = true;
    this.permissions.cancelAll();
    this.acp?.close();
    this.acpConnection?.close();
    await this.agent?.stop(killTimeoutMs);
  }

  /**
   * Cancel the turn and stop the agent (a cancelled task): ACP `session/cancel`, up to
   * `cancelGraceMs` for the prompt under way to end (so the updates it sent reach the chat),
   * then {@link stop}. From the first moment the turn's outcome is no longer reported.
   */
  async cancel(cancelGraceMs: number, killTimeoutMs: number): Promise<void> {
    this.stopping = true;
    const acp = this.acp;
    const turn = this.promptInFlight;
    if (acp && turn) {
      await acp.cancel().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => {
        timer = setTimeout(resolve, cancelGraceMs);
      });
      await Promise.race([turn.catch(() => undefined), grace]);
      clearTimeout(timer);
    }
    await this.stop(killTimeoutMs);
  }

  /** The first turns: spawn, connect, deliver the queue (the initial prompt first), report a task's end. */
  private async runFirstTurns(): Promise<void> {
    this.deliveringPrompts = true;
    let agent: AgentProcess | null = null;
    try {
      await this.whenPrepared();
      // A prepared session (a hot agent) has its agent and ACP session already; one started early
      // (with the checkout) its agent past `initialize`.
      agent = this.agent ?? (await this.spawnAgent());
      if (this.stopping) {
        await agent.stop(this.deps.config.agentKillTimeoutMs);
        return;
      }
      if (!this.acp) {
        // A resumed task's agent loads its archived session where it can (session-resume.ts).
        const connection = this.acpConnection ?? (await Promise.race([this.connectAcp(agent), rejectOnExit(agent)]));
        this.acpConnection = connection;
        const opened = await Promise.race([openResumableSession(connection, this.request, () => this.agentPlace(), this.logger), rejectOnExit(agent)]);
        this.acp = opened.session;
        const first = this.queue[0];
        if (opened.firstPrompt !== null && first?.kind === 'initial') first.text = opened.firstPrompt;
      }
      if (this.stopping) return;
      this.setStatus('running');
      const stopReason = await this.deliverQueuedPrompts();
      if (this.stopping) return;
      if (stopReason !== 'end_turn') {
        await this.failFirstTurns(`the agent ended the turn with stop reason "${stopReason}"`);
        return;
      }
      await this.finishFirstTurns(agent);
    } catch (error) {
      this.chat.flush();
      if (this.stopping) return;
      await this.failFirstTurns(await describeAgentFailure(error, agent, this.deps.config.agentExitGraceMs));
    }
  }

  /** Turns on an idle agent (its first turns are over): `running`, then `idle` again or `failed`. Never throws. */
  private async runLaterTurns(): Promise<void> {
    this.deliveringPrompts = true;
    this.setStatus('running');
    try {
      const stopReason = await this.deliverQueuedPrompts();
      if (this.stopping) return;
      if (stopReason === null || stopReason === 'end_turn') {
        this.setStatus('idle');
        return;
      }
      this.setStatus('failed', `the agent ended a follow-up turn with stop reason "${stopReason}"`);
      await this.stop(this.deps.config.agentKillTimeoutMs);
    } catch (error) {
      this.chat.flush();
      if (this.stopping) return;
      this.logger.warn('follow-up turn failed', { error: errorMessage(error) });
      this.setStatus('failed', errorMessage(error));
      await this.stop(this.deps.config.agentKillTimeoutMs);
    } finally {
      this.deliveringPrompts = false;
    }
  }

  /**
   * Deliver the queued prompts one turn after another until the queue is empty, a turn ends
   * other than with `end_turn`, or the agent is stopped.
   * @returns the stop reason of the last turn, or null when nothing was queued
   * @throws when the agent exits or the ACP request fails
   */
  private async deliverQueuedPrompts(): Promise<StopReason | null> {
    let stopReason: StopReason | null = null;
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      stopReason = await this.runTurn(next);
      if (stopReason !== 'end_turn' || this.stopping) return stopReason;
    }
    return stopReason;
  }

  /** One `session/prompt` turn with `prompt`, to its end. @throws as {@link deliverQueuedPrompts} */
  private async runTurn(prompt: QueuedPrompt): Promise<StopReason> {
    const { acp, agent } = this;
    if (!acp || !agent) throw new Error('the agent session is not connected');
    if (prompt.persistOnDelivery) this.chat.userPrompt(prompt.text, prompt.messageId);
    if (prompt.kind === 'initial') {
      this.logger.info('delivering the initial prompt', { acpSessionId: acp.sessionId, chars: prompt.text.length });
    } else {
      // Viewers of the direct channel see a follow-up where the agent got it.
      this.updates.push({ sessionUpdate: 'user_message_chunk', content: { type: 'text', text: prompt.text } });
      this.logger.info('delivering a follow-up prompt', { messageId: prompt.messageId, chars: prompt.text.length });
    }
    const turn = acp.prompt(prompt.text);
    this.promptInFlight = turn;
    try {
      const response = await Promise.race([turn, rejectOnExit(agent)]);
      this.chat.flush();
      if (!this.stopping) this.logger.info('turn ended', { stopReason: response.stopReason });
      return response.stopReason;
    } finally {
      this.promptInFlight = null;
    }
  }

  /**
   * Spawn the agent process in the workspace's sandbox (workspace-sandbox/): the checkout and its
   * own HOME and TMPDIR writable, the rest of the machine read-only or hidden, the network only
   * through its egress proxy, and its model through its gateway — which alone gets the credential:
   * the user's stored key when the control plane sent one, else the daemon's own.
   * @throws when the node has no sandbox (and nobody opted out), there is no command for the agent
   *   type, its credentials lack a setting it needs (naming it), or it cannot be started
   */
  protected async spawnAgent(): Promise<AgentProcess> {
    const { config } = this.deps;
    const sandbox = await this.deps.sandboxes.of(this.workspaceId);
    const { agentType } = this.request;
    const { command, args, builtIn } = resolveAgentCommand(agentType, config.agentCommandOverrides);
    const credentials = withOverrides(this.deps.credentials, this.request.agentCredentials, agentType);
    // An operator's command override may bring its own credentials; the registry's agents need theirs.
    const missing = builtIn ? missingAgentSettings(agentType, credentials) : [];
    if (missing.length > 0) throw permanentFailure(missingSettingsMessage(agentType, missing));
    let executable: string;
    try {
      executable = findExecutable(command, process.env.PATH ?? '');
    } catch (error) {
      throw new AgentSpawnError(command, error as Error);
    }
    const spec = sandbox.agentCommand({
      agentType,
      command: executable,
      args,
      builtIn,
      permissionPolicy: this.request.permissionPolicy,
      credentials,
      agentSessionId: this.agentSessionId,
      taskId: this.request.taskId,
    });
    const agent = await AgentProcess.spawn({ command: spec.command, args: spec.args, cwd: spec.cwd, env: spec.env, stderrTailBytes: config.agentStderrTailBytes, ...(spec.statusFd === undefined ? {} : { sandboxStatusFd: spec.statusFd }) });
    this.agent = agent;
    if (!this.stopping) this.logger.info('agent process started', { pid: agent.pid, command });
    return agent;
  }

  /**
   * Before the first turn: a prepared session's preparation settled, what it left usable kept and
   * anything else stopped (the first turn then spawns the agent anew). Never throws.
   */
  protected whenPrepared(): Promise<void> {
    return Promise.resolve();
  }

  /** `initialize` and `session/new` over the agent's stdio; updates go to the chat, then to viewers. */
  protected openAcp(agent: AgentProcess): Promise<AcpSession> {
    return openAcpSession(this.acpOptions(agent));
  }

  /** `initialize` only (the checkout may still run); `session/new` waits for the first turn. */
  protected connectAcp(agent: AgentProcess): Promise<AcpConnection> {
    return connectAcp(this.acpOptions(agent));
  }

  private acpOptions(agent: AgentProcess): Parameters<typeof openAcpSession>[0] {
    return {
      agent,
      workspacePath: this.workspace.path,
      permissionPolicy: this.request.permissionPolicy,
      askPermission: (params) => this.permissions.ask(params),
      onUpdate: (notification: SessionNotification) => {
        // The outbox first (durable), then the live stream of the direct channel.
        this.chat.update(notification.update);
        this.updates.push(notification.update);
      },
      initializeTimeoutMs: this.deps.config.acpInitializeTimeoutMs,
      clientVersion: this.deps.daemonVersion,
      logger: this.logger,
    };
  }

  /** The first turns ended with `end_turn`: the agent idles; a task completes (commit, push, callback). */
  private async finishFirstTurns(agent: AgentProcess): Promise<void> {
    const lastAssistantText = this.chat.lastAssistantText;
    this.deliveringPrompts = false;
    this.setStatus('idle');
    void agent.exited.then((exit) => {
      if (this.stopping) return;
      const failed = exit.code !== 0;
      this.logger[failed ? 'warn' : 'info']('idle agent exited', { code: exit.code, signal: exit.signal });
      this.setStatus('stopped', failed ? describeExit(exit) : null);
    });
    const { taskId, taskTitle } = this.request;
    if (taskId === null) return;
    const { workspace } = this;
    await this.archiveSession();
    try {
      await completeTask(this.deps, {
        taskId,
        taskTitle,
        workspaceId: workspace.id,
        workspacePath: workspace.path,
        branch: workspace.branch,
        base: workspace.baseCommit ?? `origin/${workspace.baseBranch}`,
        baseBranch: workspace.baseBranch,
        lastAssistantText,
      });
    } catch (error) {
      this.logger.error('task callback not delivered', { taskId, error: errorMessage(error) });
    }
  }

  /** The first turns failed: the session fails, the agent stops, a task is reported failed. */
  private async failFirstTurns(reason: string): Promise<void> {
    this.logger.warn('turn failed', { error: reason });
    this.deliveringPrompts = false;
    this.setStatus('failed', reason);
    await this.stop(this.deps.config.agentKillTimeoutMs);
    const { taskId } = this.request;
    if (taskId === null) return;
    await this.archiveSession();
    try {
      await failTask(this.deps, taskId, this.workspaceId, reason);
    } catch (error) {
      this.logger.error('task callback not delivered', { taskId, error: errorMessage(error) });
    }
  }

  /** The agent's HOME and the cwd of its sessions. @throws when the workspace has no sandbox */
  private async agentPlace(): Promise<AgentPlace> {
    const sandbox = await this.deps.sandboxes.of(this.workspaceId);
    return { home: sandbox.dirs.home, cwd: this.workspace.path };
  }

  /** A task's turn ended: its agent's session files go to the control plane, for a resume (before the task callback). Never throws. */
  private async archiveSession(): Promise<void> {
    if (!this.acp) return;
    const send = this.deps.sendSessionArchive;
    await archiveSessionFiles(
      { agentType: this.request.agentType, agentSessionId: this.agentSessionId, session: this.acp, place: () => this.agentPlace(), maxBytes: this.deps.config.sessionArchiveMaxBytes },
      send ? (body) => send(this.workspaceId, body) : undefined,
      this.logger,
    );
  }

  /** Record the session's status (and error; null clears it). */
  private setStatus(status: AgentSessionStatus, error: string | null = null): void {
    this.status = status;
    this.deps.sessions.setStatus(this.workspaceId, this.agentSessionId, status, error);
  }
}
