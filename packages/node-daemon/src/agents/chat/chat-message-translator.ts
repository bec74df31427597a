/**
 * Turns the ACP `session/update` notifications of one agent session (ACP spec "Prompt Turn",
 * `SessionUpdate`) into chat messages (contracts chat.ts `ChatMessageInput`, without the chat
 * session id, which the caller adds).
 *
 * - consecutive `agent_message_chunk`s coalesce into one `assistant` message, and consecutive
 *   `agent_thought_chunk`s into one `thinking` message; the pending text is emitted when a
 *   different conversation update arrives or when the turn ends ({@link flush}), and is
 *   available meanwhile as a {@link draft};
 * - `tool_call` → a `tool` message (content = title; metadata toolCallId, kind, title, status,
 *   target = first location path, rawInput);
 * - `tool_call_update` reaching `completed`/`failed` → another `tool` message with the merged
 *   metadata, plus `diff` from the first diff content block;
 * - `plan` → a `plan` message, its entries as a markdown checklist.
 *
 * `user_message_chunk` is ignored: a prompt is in the chat already — stored by the control plane,
 * or reported by the daemon itself ({@link userPrompt}) — and agents that echo it would duplicate
 * it. Bookkeeping updates (available commands, mode, config, session info, usage, notices,
 * compaction) carry no chat content and neither produce messages nor split the pending text.
 */
import { randomUUID } from 'node:crypto';
import type { ContentBlock, SessionUpdate, ToolCallContent, ToolCallLocation } from '@agentclientprotocol/sdk';
import type { ChatMessageInput, MessageRole, ToolMetadata } from '@flotilla/contracts';

/** A chat message before the chat session id is attached. */
export type TranslatedMessage = Omit<ChatMessageInput, 'sessionId'>;

type PendingRole = Extract<MessageRole, 'assistant' | 'thinking'>;

interface PendingText {
  role: PendingRole;
  text: string;
  startedAt: Date;
  /** Fixed when the text starts, so a draft of it and the final message share one id. */
  messageId: string;
}

interface ToolState {
  metadata: ToolMetadata;
  finalReported: boolean;
}

const CONVERSATION_UPDATES = new Set<SessionUpdate['sessionUpdate']>([
  'agent_message_chunk',
  'agent_thought_chunk',
  'tool_call',
  'tool_call_update',
  'plan',
]);

function textOf(block: ContentBlock): string {
  return block.type === 'text' ? block.text : '';
}

function firstTarget(locations: readonly ToolCallLocation[] | null | undefined): string | undefined {
  return locations?.[0]?.path;
}

function firstDiff(content: readonly ToolCallContent[] | null | undefined): ToolMetadata['diff'] {
  const diff = content?.find((block) => block.type === 'diff');
  if (!diff || diff.type !== 'diff') return undefined;
  return { path: diff.path, oldText: diff.oldText ?? null, newText: diff.newText };
}

/** Drop undefined fields so the metadata serialises cleanly. */
function compact(metadata: ToolMetadata): ToolMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined)) as ToolMetadata;
}

const CHECKBOX: Record<string, string> = { completed: '[x]', in_progress: '[ ]', pending: '[ ]' };

/** Markdown checklist of plan entries: `- [x] done`, `- [ ] doing (in progress)`, `- [ ] todo`. */
export function planToMarkdown(entries: readonly { content: string; status: string }[]): string {
  return entries
    .map((entry) => {
      const suffix = entry.status === 'in_progress' ? ' (in progress)' : '';
      return `- ${CHECKBOX[entry.status] ?? '[ ]'} ${entry.content}${suffix}`;
    })
    .join('\n');
}

/** Stateful translator for one agent session. Not thread-safe; feed updates in arrival order. */
export class ChatMessageTranslator {
  private pending: PendingText | null = null;
  private readonly tools = new Map<string, ToolState>();
  private lastAssistant: string | null = null;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Text of the last `assistant` message emitted so far (the task summary), or null. */
  get lastAssistantText(): string | null {
    return this.lastAssistant;
  }

  /**
   * A prompt the daemon is the first to see, as a `user` message, after the pending text.
   * @param messageId its chat message id (a fresh one when not given)
   */
  userPrompt(text: string, messageId?: string): TranslatedMessage[] {
    return [...this.flush(), this.message('user', text, this.now(), undefined, messageId)];
  }

  /** Messages produced by one `session/update`, in order (possibly none). */
  translate(update: SessionUpdate): TranslatedMessage[] {
    if (!CONVERSATION_UPDATES.has(update.sessionUpdate)) return [];
    switch (update.sessionUpdate) {
      case 'agent_message_chunk':
        return this.appendText('assistant', textOf(update.content));
      case 'agent_thought_chunk':
        return this.appendText('thinking', textOf(update.content));
      case 'tool_call': {
        const out = this.flush();
        const metadata = compact({
          toolCallId: update.toolCallId,
          kind: update.kind,
          title: update.title,
          status: update.status,
          target: firstTarget(update.locations),
          rawInput: update.rawInput,
          diff: firstDiff(update.content),
        });
        const isFinal = update.status === 'completed' || update.status === 'failed';
        this.tools.set(update.toolCallId, { metadata, finalReported: isFinal });
        out.push(this.toolMessage(metadata));
        return out;
      }
      case 'tool_call_update': {
        const out = this.flush();
        const state = this.tools.get(update.toolCallId) ?? {
          metadata: { toolCallId: update.toolCallId },
          finalReported: false,
        };
        state.metadata = compact({
          ...state.metadata,
          kind: update.kind ?? state.metadata.kind,
          title: update.title ?? state.metadata.title,
          status: update.status ?? state.metadata.status,
          target: firstTarget(update.locations) ?? state.metadata.target,
          rawInput: update.rawInput ?? state.metadata.rawInput,
          diff: firstDiff(update.content) ?? state.metadata.diff,
        });
        this.tools.set(update.toolCallId, state);
        const isFinal = state.metadata.status === 'completed' || state.metadata.status === 'failed';
        if (isFinal && !state.finalReported) {
          state.finalReported = true;
          out.push(this.toolMessage(state.metadata));
        }
        return out;
      }
      case 'plan': {
        const out = this.flush();
        const content = planToMarkdown(update.entries);
        if (content) out.push(this.message('plan', content, this.now()));
        return out;
      }
      default:
        return [];
    }
  }

  /**
   * The assistant/thinking text still being coalesced, as the message {@link flush} will emit
   * (same `messageId`), or null. The daemon keeps it as a draft in the outbox so a crash loses
   * none of it.
   */
  draft(): TranslatedMessage | null {
    const pending = this.pending;
    if (!pending || pending.text.trim() === '') return null;
    return this.message(pending.role, pending.text, pending.startedAt, undefined, pending.messageId);
  }

  /** Emit the pending assistant/thinking text, if any (call when a turn ends). */
  flush(): TranslatedMessage[] {
    const pending = this.pending;
    this.pending = null;
    if (!pending || pending.text.trim() === '') return [];
    if (pending.role === 'assistant') this.lastAssistant = pending.text;
    return [this.message(pending.role, pending.text, pending.startedAt, undefined, pending.messageId)];
  }

  private appendText(role: PendingRole, text: string): TranslatedMessage[] {
    const out = this.pending && this.pending.role !== role ? this.flush() : [];
    if (!this.pending) this.pending = { role, text: '', startedAt: this.now(), messageId: randomUUID() };
    this.pending.text += text;
    return out;
  }

  private toolMessage(metadata: ToolMetadata): TranslatedMessage {
    return this.message('tool', metadata.title || metadata.toolCallId, this.now(), metadata);
  }

  private message(
    role: MessageRole,
    content: string,
    at: Date,
    toolMetadata?: ToolMetadata,
    messageId: string = randomUUID(),
  ): TranslatedMessage {
    return {
      messageId,
      role,
      content,
      ...(toolMetadata ? { toolMetadata } : {}),
      timestamp: at.toISOString(),
    };
  }
}
