import { randomBytes } from 'node:crypto';
import type { MessagesRequestBody, Turn } from './types.js';

/** A content block of an assistant message, as the Messages API returns it. */
export type AssistantBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** A complete assistant message, as the non-streaming Messages API returns it. */
export interface AssistantMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AssistantBlock[];
  stop_reason: 'end_turn' | 'tool_use' | 'stop_sequence';
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
}

let idCounter = 0;

/** Returns an id with the given prefix, unique within this process. */
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}_fake${idCounter.toString().padStart(4, '0')}${randomBytes(6).toString('hex')}`;
}

/**
 * Maps a scripted tool name onto a tool the request offers: the exact name first, then
 * `mcp__acp__<name>`; when neither is offered the name is kept as it is.
 */
export function resolveToolName(name: string, body: MessagesRequestBody): string {
  const offered = new Set((body.tools ?? []).map((tool) => tool.name));
  if (offered.has(name)) return name;
  if (offered.has(`mcp__acp__${name}`)) return `mcp__acp__${name}`;
  return name;
}

/** Rough token count of a value: its JSON length divided by 4, at least 1. */
export function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil((JSON.stringify(value ?? '')?.length ?? 0) / 4));
}

/**
 * Cuts `text` at the earliest of the request's `stop_sequences`, as the real API does.
 *
 * @returns the text before the stop sequence and the sequence hit (null when none occurs)
 */
export function applyStopSequences(text: string, body: MessagesRequestBody): { text: string; stopSequence: string | null } {
  const sequences = Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((s): s is string => typeof s === 'string' && s !== '') : [];
  let cut: { text: string; stopSequence: string | null } = { text, stopSequence: null };
  for (const sequence of sequences) {
    const at = text.indexOf(sequence);
    if (at >= 0 && at < cut.text.length) cut = { text: text.slice(0, at), stopSequence: sequence };
  }
  return cut;
}

/**
 * Builds the assistant message answering `body` with `turn`: the text block (when any), then one
 * tool_use block per tool use with a fresh id and a mapped tool name. An empty turn becomes the
 * text "Done.". stop_reason is `tool_use` when there are tool uses, `stop_sequence` when the text
 * ran into one of the request's `stop_sequences` (the text is cut there), else `end_turn`.
 */
export function buildAssistantMessage(turn: Turn, body: MessagesRequestBody): AssistantMessage {
  const content: AssistantBlock[] = [];
  const { text, stopSequence } = applyStopSequences(turn.text ?? '', body);
  if (text) content.push({ type: 'text', text });
  for (const toolUse of stopSequence === null ? (turn.toolUses ?? []) : []) {
    content.push({ type: 'tool_use', id: uniqueId('toolu'), name: resolveToolName(toolUse.name, body), input: toolUse.input });
  }
  if (content.length === 0 && stopSequence === null) content.push({ type: 'text', text: 'Done.' });
  const hasToolUse = content.some((block) => block.type === 'tool_use');
  return {
    id: uniqueId('msg'),
    type: 'message',
    role: 'assistant',
    model: typeof body.model === 'string' ? body.model : 'claude-fake',
    content,
    stop_reason: hasToolUse ? 'tool_use' : stopSequence !== null ? 'stop_sequence' : 'end_turn',
    stop_sequence: stopSequence,
    usage: {
      input_tokens: estimateTokens(body.messages),
      output_tokens: estimateTokens(content),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}
