/**
 * An agent session prepared before its prompt is known: its agent is spawned in the workspace's
 * sandbox and its ACP connection opened by {@link PreparedAgentSession.prepare} — for a hot agent
 * (issue 15 item 2) `initialize` and `session/new` before any task is known; for an agent started
 * early (item 1, `CreateWorkspaceRequest.earlyAgent`) `initialize` while the workspace is still
 * checked out, and `session/new` once the checkout succeeded when the request asks for it. The
 * session that then starts {@link adopt}s it — its workspace record, chat session and start
 * request replace the preparation's — and `start()` delivers the prompt to the
 * agent that is already there (agent-session.ts skips the spawn and the ACP set-up when they are
 * done, and waits for a preparation still under way). Used once: a session is adopted once only.
 */
import type { StartAgentSessionRequest } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import type { WorkspaceRecord } from '../db/workspace-store.js';
import { ChatEmitter } from '../agents/chat/chat-emitter.js';
import { rejectOnExit } from '../agents/process/agent-failure.js';
import { AgentSession } from '../agents/session/agent-session.js';

export class PreparedAgentSession extends AgentSession {
  private exited = false;
  private adopted = false;
  /** The preparation under way or done (settles, never rejects); null before {@link prepare}. */
  private preparation: Promise<void> | null = null;
  private preparationSettled = false;
  /** The preparation sent `session/new` (answered or not yet). */
  private sessionNewSent = false;

  /**
   * Spawn the agent and open its ACP connection, sending no prompt: `initialize` and, with
   * `openSession` true (the default), `session/new`; with false, no session (the checkout is still
   * under way: the start opens it); with a promise, `session/new` once it resolves true (the
   * checkout succeeded) and none when it resolves false.
   * @throws when the agent cannot be spawned, exits, or does not answer `initialize`/`session/new`
   *   within ACP_INITIALIZE_TIMEOUT_MS; or when the session was stopped meanwhile
   */
  prepare(options: { openSession?: boolean | Promise<boolean> } = {}): Promise<void> {
    const run = this.spawnAndConnect(options.openSession ?? true);
    this.preparation = run.then(
      () => undefined,
      () => undefined,
    );
    void this.preparation.then(() => {
      this.preparationSettled = true;
    });
    return run;
  }

  private async spawnAndConnect(openSession: boolean | Promise<boolean>): Promise<void> {
    const agent = await this.spawnAgent();
    void agent.exited.then(() => {
      this.exited = true;
    });
    if (this.stopRequested) {
      // stop() came before the process existed: it goes now.
      await agent.stop(this.deps.config.agentKillTimeoutMs);
      throw new Error('the agent was stopped while it was being prepared');
    }
    if (openSession === true) {
      this.sessionNewSent = true;
      this.acp = await Promise.race([this.openAcp(agent), rejectOnExit(agent)]);
      return;
    }
    const connection = await Promise.race([this.connectAcp(agent), rejectOnExit(agent)]);
    this.acpConnection = connection;
    if (openSession === false || !(await openSession) || this.stopRequested) return;
    this.sessionNewSent = true;
    try {
      this.acp = await Promise.race([connection.newSession(), rejectOnExit(agent)]);
    } catch (error) {
      // newSession closed the connection: nothing of it is usable (whenPrepared stops the agent).
      this.acpConnection = null;
      throw error;
    }
  }

  /** Whether the agent is past `initialize` (and, when asked, `session/new`) and still runs. */
  get connected(): boolean {
    return !this.exited && (this.acp !== null || this.acpConnection !== null);
  }

  /** Whether the preparation sent `session/new` (the session may still be opening). */
  get sentSessionNew(): boolean {
    return this.sessionNewSent;
  }

  /** True while the prepared agent still runs, or is still being prepared, and nobody adopted it. */
  get usable(): boolean {
    if (this.exited || this.adopted || this.stopRequested) return false;
    return !this.preparationSettled || this.acp !== null || this.acpConnection !== null;
  }

  /** The permission policy the agent was spawned with (its ACP client answers by it). */
  get permissionPolicy(): StartAgentSessionRequest['permissionPolicy'] {
    return this.request.permissionPolicy;
  }

  /**
   * The starting session takes this one: its workspace record (as it is now: checked out, on the
   * task branch), its chat session and its start request. The permission policy stays the one the
   * agent was spawned with. @returns this session, to be started
   */
  adopt(start: { workspace: WorkspaceRecord; chatSessionId: string | null; request: StartAgentSessionRequest }): this {
    this.adopted = true;
    this.workspace = start.workspace;
    this.request = { ...start.request, permissionPolicy: this.request.permissionPolicy };
    this.chat = new ChatEmitter(this.deps.outbox, { workspaceId: this.workspaceId, chatSessionId: start.chatSessionId, projectId: start.workspace.projectId }, this.logger, {
      toolOutputMaxBytes: this.deps.config.chatToolOutputMaxBytes,
    });
    return this;
  }

  /**
   * Wait for a preparation still under way; when it left no usable agent (it failed, or the agent
   * exited), stop what is left of it, so the first turn spawns the agent anew and reports its
   * failure as any start does.
   */
  protected override async whenPrepared(): Promise<void> {
    await this.preparation;
    // Stopped meanwhile: the first turn stops what there is and reports nothing.
    if (this.stopRequested) return;
    if (!this.exited && (this.acp !== null || this.acpConnection !== null)) return;
    const leftover = this.agent;
    this.acp?.close();
    this.acpConnection?.close();
    this.acp = null;
    this.acpConnection = null;
    this.agent = null;
    if (leftover) {
      this.logger.warn('the agent prepared for this session is not usable; starting it anew');
      await leftover.stop(this.deps.config.agentKillTimeoutMs).catch((error: unknown) => {
        this.logger.warn('could not stop the unusable prepared agent', { error: errorMessage(error) });
      });
    }
  }
}
