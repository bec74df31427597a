/**
 * From a script turn to what the fake model answers: the turn for a main request (by the number
 * of tool results so far), the shell tool call it becomes for the offered tools, and the usage
 * reported for it.
 */
import { estimateTokens } from '../fake-anthropic/assistant-message.js';
import { shellToolCall, type ShellToolCall } from './shell-tools.js';
import type { ModelRequest, ReportedUsage, ShellScript, ShellTurn } from './types.js';

/** What main requests past the end of a list script are answered with. */
export const FINAL_TURN: ShellTurn = { text: 'Done.' };

/** What the fake model says in one answer. */
export interface ModelAnswer {
  /** Assistant text (may be empty when there is a tool call). */
  text: string;
  /** The shell tool call, when the turn runs a command. */
  toolCall?: ShellToolCall;
  /** How long to hold the answer back, in milliseconds. */
  delayMs: number;
}

/**
 * The turn answering a main request: a function script's choice, else the list's turn at
 * `toolResults` (the number of tool results the request carries), else {@link FINAL_TURN}.
 */
export function chooseTurn(script: ShellScript, request: ModelRequest, toolResults: number): ShellTurn {
  if (typeof script === 'function') return script(request);
  return script[toolResults] ?? FINAL_TURN;
}

/**
 * The answer to a main request under `turn`, for the tools it offers. A turn with `shell` but no
 * known shell tool on offer answers with a text saying so (the test then fails visibly); an
 * empty turn answers "Done.".
 */
export function answerTurn(turn: ShellTurn, offeredTools: readonly string[]): ModelAnswer {
  const delayMs = turn.delayMs ?? 0;
  if (turn.shell === undefined) return { text: turn.text || (FINAL_TURN.text ?? ''), delayMs };
  const toolCall = shellToolCall(offeredTools, turn.shell);
  if (!toolCall) return { text: `fake model: no known shell tool among [${offeredTools.join(', ')}]`, delayMs };
  return { text: turn.text ?? '', toolCall, delayMs };
}

/**
 * The usage the fake reports for answering `input` with `answer`: tokens estimated as JSON
 * length / 4 (at least 1), half of the input reported as cached — so a test comparing a
 * gateway's count with `reportedUsage` sees every field move.
 */
export function usageFor(input: unknown, answer: unknown): ReportedUsage {
  const inputTokens = estimateTokens(input);
  return { inputTokens, outputTokens: estimateTokens(answer), cachedTokens: Math.floor(inputTokens / 2) };
}
