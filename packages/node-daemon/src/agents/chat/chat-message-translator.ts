/**
 * Turns the ACP `session/update` notifications of one agent session (ACP spec "Prompt Turn",
 * `SessionUpdate`) into chat messages (contracts chat.ts `ChatMessageInput`, without the chat
 * session id, which the caller adds).
 *
 * - consecutive `agent_message_chunk`s coalesce into one `assistant` message, and consecutive
 *   `agent_thought_chunk`s into one `thinking` message, joined exactly as sent; the pending text
 *   is emitted when a different conversation update arrives, when a chunk names another message
 *   than the pending text's (ACP `ContentChunk.messageId`: a change starts a new message), or
 *   when the turn ends ({@link flush}), and is available meanwhile as a {@link draft};
 * - `tool_call` and `tool_call_update` merge into one state per `toolCallId` (metadata toolCallId,
 *   kind, title, status, target = first location path, rawInput, `diff` from the first diff
 *   block, `output` and `exitCode` from tool-output.ts), whatever order they come in: Gemini CLI
 *   sends updates without a `tool_call`, Cline sends updates before its `tool_call`. A `tool`
 *   message (content = title) carrying the whole state is emitted when the call is first shown
 *   (a `tool_call`, or an update with a title), when it first reaches `completed`/`failed`, and
 *   when a late `tool_call` adds to a call already reported final. A final status never goes back
 *   to pending. The chat shows one item per tool call, with its latest message's state.
 * - `plan` → a `plan` message, its entries as a markdown checklist.
 * - `notice` (an agent's notice about itself, e.g. a billing or limit warning) → a `system`
 *   message, `<title>: <description>`, which the chat shows as a note apart from the agent.
 *
 * `user_message_chunk` is ignored: a prompt is in the chat already — stored by the control plane,
 * or reported by the daemon itself ({@link userPrompt}) — and agents that echo it would duplicate
 * it. Bookkeeping updates (available commands, mode, config, session info, usage,
 * compaction) carry no chat content and neither produce messages nor split the pending text.
 */
import { randomUUID } from 'node:crypto';
import type { ContentBlock, SessionUpdate, ToolCall, ToolCallContent, ToolCallLocation, ToolCallUpdate } from '@agentclientprotocol/sdk';
import type { ChatMessageInput, MessageRole, ToolMetadata } from '@flotilla/contracts';
import { boundOutput, DEFAULT_TOOL_OUTPUT_MAX_BYTES, readToolOutput } from './tool-output.js';

/** A chat message before the chat session id is attached. */
export type TranslatedMessage = Omit<ChatMessageInput, 'sessionId'>;

type PendingRole = Extract<MessageRole, 'assistant' | 'thinking'>;

interface PendingText {
  role: PendingRole;
  text: string;
  startedAt: Date;
  /** The agent's id of the message (ACP `ContentChunk.messageId`), when it sent one. */
  agentMessageId: string | null;
  /** Fixed when the text starts, so a draft of it and the final message share one id. */
  messageId: string;
}

interface ToolState {
  metadata: ToolMetadata;
  /** A message of this call was emitted. */
  shown: boolean;
  /** Its message with a final status was emitted. */
  finalReported: boolean;
}

export interface TranslatorOptions {
  /** Clock of the message timestamps. */
  now?: () => Date;
  /** CHAT_TOOL_OUTPUT_MAX_BYTES: a tool's output keeps its last this many bytes (UTF-8). */
  toolOutputMaxBytes?: number;
}

const isFinal = (status: ToolMetadata['status']): boolean => status === 'completed' || status === 'failed';

const CONVERSATION_UPDATES = new Set<SessionUpdate['sessionUpdate']>([
  'agent_message_chunk',
  'agent_thought_chunk',
  'tool_call',
  'tool_call_update',
  'plan',
  'notice',
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
  private readonly now: () => Date;
  private readonly toolOutputMaxBytes: number;

  constructor(options: TranslatorOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.toolOutputMaxBytes = options.toolOutputMaxBytes ?? DEFAULT_TOOL_OUTPUT_MAX_BYTES;
  }

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
        return this.appendText('assistant', textOf(update.content), update.messageId ?? null);
      case 'agent_thought_chunk':
        return this.appendText('thinking', textOf(update.content), update.messageId ?? null);
      case 'tool_call':
        return this.toolCall(update, true);
      case 'tool_call_update':
        return this.toolCall(update, false);
      case 'plan': {
        const out = this.flush();
        const content = planToMarkdown(update.entries);
        if (content) out.push(this.message('plan', content, this.now()));
        return out;
      }
      case 'notice': {
        const out = this.flush();
        const description = update.description?.trim();
        out.push(this.message('system', description ? `${update.title}: ${description}` : update.title, this.now()));
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

  /** One `tool_call` (`isStart`) or `tool_call_update`, merged into its call's state; see the file comment. */
  private toolCall(update: ToolCall | ToolCallUpdate, isStart: boolean): TranslatedMessage[] {
    const out = this.flush();
    const state = this.tools.get(update.toolCallId) ?? { metadata: { toolCallId: update.toolCallId }, shown: false, finalReported: false };
    const previous = state.metadata;
    state.metadata = this.merge(previous, update);
    this.tools.set(update.toolCallId, state);
    // A late tool_call (Cline) counts only when it adds to what was reported (compared only then: outputs can be large).
    const addsToFinal = (): boolean => isStart && JSON.stringify(state.metadata) !== JSON.stringify(previous);
    const emit = isFinal(state.metadata.status)
      ? !state.finalReported || addsToFinal()
      : !state.shown && (isStart || state.metadata.title !== undefined);
    if (!emit) return out;
    state.shown = true;
    state.finalReported = isFinal(state.metadata.status);
    out.push(this.toolMessage(state.metadata));
    return out;
  }

  /** `metadata` with what `update` says; absent fields keep their value, a final status stays. */
  private merge(metadata: ToolMetadata, update: ToolCall | ToolCallUpdate): ToolMetadata {
    const report = readToolOutput(update);
    const status = isFinal(metadata.status) && !isFinal(update.status ?? undefined) ? metadata.status : (update.status ?? metadata.status);
    const bounded = report.text ? boundOutput(report.text, this.toolOutputMaxBytes) : undefined;
    return compact({
      ...metadata,
      kind: update.kind ?? metadata.kind,
      title: update.title ?? metadata.title,
      status,
      target: firstTarget(update.locations) ?? metadata.target,
      rawInput: update.rawInput ?? metadata.rawInput,
      diff: firstDiff(update.content) ?? metadata.diff,
      ...(bounded ? { output: bounded.output, outputTruncated: bounded.outputTruncated } : {}),
      exitCode: report.exitCode !== undefined ? report.exitCode : metadata.exitCode,
    });
  }

  /** One text chunk; `agentMessageId` is the chunk's ACP `messageId` (null when the agent sends none). */
  private appendText(role: PendingRole, text: string, agentMessageId: string | null): TranslatedMessage[] {
    const pending = this.pending;
    const otherMessage = pending !== null && agentMessageId !== null && pending.agentMessageId !== null && pending.agentMessageId !== agentMessageId;
    const out = pending && (pending.role !== role || otherMessage) ? this.flush() : [];
    if (!this.pending) this.pending = { role, text: '', startedAt: this.now(), agentMessageId, messageId: randomUUID() };
    this.pending.agentMessageId ??= agentMessageId;
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
