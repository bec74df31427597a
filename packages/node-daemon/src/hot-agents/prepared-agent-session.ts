/**
 * An agent session prepared before its task is known (a hot agent, issue 15): its agent is spawned
 * in the workspace's sandbox and its ACP session opened (`initialize`, `session/new`) by
 * {@link PreparedAgentSession.prepare}; the task that claims it then {@link adopt}s it — its
 * workspace record, chat session and start request replace the preparation's — and `start()`
 * delivers the prompt to the agent that is already there (agent-session.ts skips the spawn and
 * the ACP set-up when they are done). Used once: a session is adopted by one task only.
 */
import type { StartAgentSessionRequest } from '@flotilla/contracts';
import type { WorkspaceRecord } from '../db/workspace-store.js';
import { ChatEmitter } from '../agents/chat/chat-emitter.js';
import { rejectOnExit } from '../agents/process/agent-failure.js';
import { AgentSession } from '../agents/session/agent-session.js';

export class PreparedAgentSession extends AgentSession {
  private exited = false;
  private adopted = false;

  /**
   * Spawn the agent and open its ACP session, sending no prompt.
   * @throws when the agent cannot be spawned, exits, or does not answer `initialize`/`session/new`
   *   within ACP_INITIALIZE_TIMEOUT_MS; or when the session was stopped meanwhile
   */
  async prepare(): Promise<void> {
    const agent = await this.spawnAgent();
    void agent.exited.then(() => {
      this.exited = true;
    });
    if (this.stopRequested) throw new Error('the hot agent was stopped while it was being prepared');
    this.acp = await Promise.race([this.openAcp(agent), rejectOnExit(agent)]);
  }

  /** True while the prepared agent still runs and no task has adopted it. */
  get usable(): boolean {
    return !this.exited && !this.adopted && !this.stopRequested && this.acp !== null;
  }

  /**
   * The claiming task takes the session: its workspace record (task branch, task id, callback
   * token), its chat session and its start request. The permission policy stays the one the
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
}
