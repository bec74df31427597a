/**
 * The output and exit status of a tool call, read from what ACP agents send in
 * `tool_call` / `tool_call_update` (ACP schema `ToolCallUpdate`: `content`, `rawOutput`, `_meta`),
 * and bounded for the chat.
 *
 * Agents differ (seen in their sources, TOOLCHAIN.md "More ACP agents"):
 * - Codex (codex-acp): streams the output so far as a text block fenced in ```sh, then ends with
 *   `rawOutput` = its `ExecCommandEndEvent` (`aggregated_output`, `stdout`, `stderr`, `exit_code`);
 * - Claude Code (claude-agent-acp): a text block fenced in ```console; with a terminal, the exit
 *   code in `_meta.terminal_exit.exit_code`;
 * - OpenCode: a text block and `rawOutput` = `{output, metadata: {exit, …}}`, or `{error}`;
 * - Gemini CLI: a text block only, no exit code;
 * - Cline: `rawOutput` only (a string, or structured results);
 * - the scripted agent (testkit): a text block and `rawOutput` = `{exitCode, output}`.
 * The raw output wins over the text blocks (it is unfenced); `terminal` blocks are ignored (we
 * advertise no terminal), `diff` blocks are the diff's business.
 */
import { stripVTControlCharacters } from 'node:util';
import type { ToolCallContent } from '@agentclientprotocol/sdk';

/** Default of CHAT_TOOL_OUTPUT_MAX_BYTES: the last 64 KiB of a tool's output are kept. */
export const DEFAULT_TOOL_OUTPUT_MAX_BYTES = 64 * 1024;

/** What one update says about a tool's output; undefined fields: the update does not say. */
export interface ToolOutputReport {
  text?: string;
  exitCode?: number | null;
}

/** The bounded output as the chat stores it (contracts `ToolMetadata`). */
export interface BoundedOutput {
  output: string;
  outputTruncated?: true;
}

/** Keys of a raw output object that hold the output text, best first. */
const TEXT_KEYS = ['aggregated_output', 'output', 'formatted_output', 'result', 'error', 'content', 'text'] as const;
/** Keys that hold an exit status. */
const EXIT_KEYS = ['exit_code', 'exitCode', 'exit', 'exit_status', 'exitStatus'] as const;

const FENCED = /^```[\w-]*\n([\s\S]*?)\n?```\s*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function exitCodeOf(value: unknown): number | null | undefined {
  if (!isRecord(value)) return undefined;
  for (const key of EXIT_KEYS) {
    const code = value[key];
    if (typeof code === 'number' && Number.isInteger(code)) return code;
    if (code === null) return null;
  }
  return exitCodeOf(value['metadata']);
}

/** Text of a raw output: a string, an array of texts or text blocks, or an object holding one. */
function rawText(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return value;
  if (depth > 3) return undefined;
  if (Array.isArray(value)) {
    const parts = value.map((item) => rawText(item, depth + 1)).filter((part): part is string => part !== undefined);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }
  if (!isRecord(value)) return undefined;
  const stdout = typeof value['stdout'] === 'string' ? value['stdout'] : undefined;
  const stderr = typeof value['stderr'] === 'string' ? value['stderr'] : undefined;
  const first = TEXT_KEYS.map((key) => value[key]).find((entry) => typeof entry === 'string' && entry !== '');
  if (typeof first === 'string') return first;
  if (stdout !== undefined || stderr !== undefined) return [stdout, stderr].filter(Boolean).join('\n');
  for (const key of TEXT_KEYS) {
    const nested = rawText(value[key], depth + 1);
    if (nested !== undefined) return nested;
  }
  return rawText(value['metadata'], depth + 1);
}

/** A text that is one fenced code block, without its fence (Codex ```sh, Claude Code ```console). */
export function unfence(text: string): string {
  return FENCED.exec(text)?.[1] ?? text;
}

/** Text of the `content` blocks of type `content` with text, joined by newlines; undefined when none. */
function contentText(content: readonly ToolCallContent[] | null | undefined): string | undefined {
  const texts = (content ?? []).flatMap((block) => (block.type === 'content' && block.content.type === 'text' ? [unfence(block.content.text)] : []));
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/**
 * What a `tool_call` / `tool_call_update` says about the tool's output and exit status.
 *
 * @param update the update's `content`, `rawOutput` and `_meta` (ACP `ToolCallUpdate`)
 */
export function readToolOutput(update: { content?: readonly ToolCallContent[] | null; rawOutput?: unknown; _meta?: Record<string, unknown> | null }): ToolOutputReport {
  const report: ToolOutputReport = {};
  const text = rawText(update.rawOutput) ?? contentText(update.content);
  if (text !== undefined) report.text = text;
  const fromRaw = exitCodeOf(update.rawOutput);
  const exitCode = fromRaw !== undefined ? fromRaw : exitCodeOf(update._meta?.['terminal_exit']);
  if (exitCode !== undefined) report.exitCode = exitCode;
  return report;
}

/**
 * `text` made fit for the chat and cut to its last `maxBytes` bytes of UTF-8: terminal control
 * sequences (colours, cursor moves) and other control characters but newline, tab and carriage
 * return are removed, so its JSON stays at most about twice `maxBytes`; the cut falls on a
 * character boundary.
 *
 * @param maxBytes CHAT_TOOL_OUTPUT_MAX_BYTES; 0 keeps nothing
 */
export function boundOutput(text: string, maxBytes: number): BoundedOutput {
  // Only the end can be kept: look at no more than 4 code units per byte kept (an agent that
  // resends its whole output with every update must not cost its whole length each time).
  const windowUnits = maxBytes * 4;
  let source = text.length > windowUnits ? text.slice(text.length - windowUnits).replace(/^[\uDC00-\uDFFF]/, '') : text;
  const cutBefore = source.length < text.length;
  source = stripVTControlCharacters(source).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  const bytes = Buffer.from(source, 'utf8');
  if (bytes.length <= maxBytes) return cutBefore ? { output: source, outputTruncated: true } : { output: source };
  let start = bytes.length - maxBytes;
  // Skip UTF-8 continuation bytes (10xxxxxx) so the tail starts on a whole character.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start += 1;
  return { output: bytes.subarray(start).toString('utf8'), outputTruncated: true };
}
