/**
 * The chat of one agent session as it happens: every ACP update and every prompt the daemon is
 * the first to see, turned into chat messages (chat-message-translator.ts) and stored in the
 * outbox — each message durable before anything else happens with it — with the text the
 * translator is still coalescing kept as the workspace's draft, so a crash loses none of it.
 * Without a chat session (a workspace with no project) the messages are translated (the task
 * summary needs the last assistant text) but not persisted.
 */
import type { SessionUpdate } from '@agentclientprotocol/sdk';
import { errorMessage, type Logger } from '@flotilla/kit';
import type { ChatMessageSink } from './chat-message-sink.js';
import { ChatMessageTranslator, type TranslatedMessage, type TranslatorOptions } from './chat-message-translator.js';

export interface ChatTarget {
  workspaceId: string;
  /** Chat session the messages go to; null: no chat, messages are not persisted. */
  chatSessionId: string | null;
  /** For the log line that says so when there is no chat. */
  projectId: string | null;
}

export class ChatEmitter {
  private readonly translator: ChatMessageTranslator;
  /** Identity of the draft last saved (message id and length), to save only changes. */
  private draftKey: string | null = null;

  constructor(
    private readonly outbox: ChatMessageSink,
    private readonly target: ChatTarget,
    private readonly logger: Logger,
    /** The translator's settings (CHAT_TOOL_OUTPUT_MAX_BYTES). */
    options: TranslatorOptions = {},
  ) {
    this.translator = new ChatMessageTranslator(options);
    if (target.chatSessionId === null) {
      logger.info('no project chat for this agent session; its messages are not persisted', { projectId: target.projectId });
    }
  }

  /** Text of the last assistant message so far: the task summary. */
  get lastAssistantText(): string | null {
    return this.translator.lastAssistantText;
  }

  /**
   * A prompt the daemon is the first to see, as a `user` message (after the pending text).
   * @param messageId its chat message id (UUID)
   */
  userPrompt(text: string, messageId: string): void {
    this.emit(this.translator.userPrompt(text, messageId));
  }

  /** The messages of one ACP update, in arrival order. */
  update(update: SessionUpdate): void {
    this.emit(this.translator.translate(update));
  }

  /** The pending assistant/thinking text as a message: a turn ended. */
  flush(): void {
    this.emit(this.translator.flush());
  }

  private emit(messages: TranslatedMessage[]): void {
    const { workspaceId, chatSessionId } = this.target;
    if (chatSessionId === null) return;
    for (const message of messages) {
      try {
        this.outbox.enqueue(workspaceId, { ...message, sessionId: chatSessionId });
      } catch (error) {
        this.logger.warn('chat message not enqueued', { messageId: message.messageId, role: message.role, error: errorMessage(error) });
      }
    }
    const draft = this.translator.draft();
    const key = draft ? `${draft.messageId}:${draft.content.length}` : null;
    if (key === this.draftKey) return;
    this.draftKey = key;
    this.outbox.saveDraft(workspaceId, draft ? { ...draft, sessionId: chatSessionId } : null);
  }
}
