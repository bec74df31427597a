/**
 * In-memory state of an agent session whose agent process this daemon started: the process, the
 * ACP session, the raw update stream, and whether the daemon itself asked it to stop (so an exit
 * it caused is not reported as a failure).
 */
import type { AcpSession } from './acp-connection.js';
import type { AgentProcess } from './agent-process.js';
import { AgentUpdateStream } from './agent-update-stream.js';
import type { ChatMessageTranslator, TranslatedMessage } from './chat-message-translator.js';
import type { QueuedPrompt } from './follow-up-turn.js';
import type { Logger } from '@flotilla/kit';
import { PermissionRequests } from './permission-requests.js';

/** How the session's updates become chat messages (set by the initial turn). */
export interface SessionChat {
  translator: ChatMessageTranslator;
  /** Enqueue messages into the workspace's chat (no-op when the session has no chat session). */
  emit(messages: TranslatedMessage[]): void;
}

export class LiveAgentSession {
  process: AgentProcess | null = null;
  acp: AcpSession | null = null;
  /** The `session/prompt` under way, if any (settles when the turn ends, however it ends). */
  promptInFlight: Promise<unknown> | null = null;
  readonly updates: AgentUpdateStream;
  /** Permission requests waiting for a viewer (policy `ask`). */
  readonly permissions: PermissionRequests;
  chat: SessionChat | null = null;
  /** Follow-up prompts accepted while a turn runs, delivered in order when it ends. */
  readonly queuedPrompts: QueuedPrompt[] = [];
  /** Message ids of every follow-up prompt accepted (the idempotency keys of control-plane deliveries). */
  readonly acceptedPromptIds = new Set<string>();
  /** True while a turn (initial or follow-up) is in progress. */
  turnActive = false;
  private stopping = false;

  constructor(
    readonly workspaceId: string,
    readonly agentSessionId: string,
    updateBufferSize: number,
    permission: { timeoutMs: number; logger: Logger },
  ) {
    this.updates = new AgentUpdateStream(updateBufferSize);
    this.permissions = new PermissionRequests(permission.timeoutMs, permission.logger);
  }

  /** True once {@link stop} was called: the turn's outcome is no longer reported. */
  get stopRequested(): boolean {
    return this.stopping;
  }

  /**
   * Stop the agent: close the ACP connection and stop the process group (SIGTERM, SIGKILL after
   * `killTimeoutMs`). Safe to call at any point, also before the process exists — a process
   * spawned afterwards is stopped by the turn as soon as it sees {@link stopRequested}.
   */
  async stop(killTimeoutMs: number): Promise<void> {
    this.stopping = true;
    this.permissions.cancelAll();
    this.acp?.close();
    await this.process?.stop(killTimeoutMs);
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
}
