import { RequestError } from '@agentclientprotocol/sdk';
import type { ContentBlock, StopReason } from '@agentclientprotocol/sdk';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { sleep } from './abortable.js';
import { runRead, runWrite } from './file-tools.js';
import { parseInstructions, planEntry, type Instruction } from './instructions.js';
import { runCommand } from './run-tool.js';
import { sayText, sendUpdate, type TurnContext } from './turn-context.js';

/** How often an `await:` instruction looks for its file, in milliseconds. */
const AWAIT_POLL_MS = 50;

/** Waits until a file exists at `path`, or the turn is cancelled. */
async function awaitFile(path: string, signal: AbortSignal): Promise<void> {
  while (!existsSync(path) && (await sleep(AWAIT_POLL_MS, signal)));
}

/** JSON-RPC "internal error" code used for `fail:` instructions. */
const FAIL_ERROR_CODE = -32603;

/** Joins all text content blocks of a prompt with "\n"; other block types are skipped. */
export function promptText(prompt: ContentBlock[]): string {
  return prompt
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n');
}

/** Executes one instruction. `fail` throws; `exit` ends the process. */
async function runInstruction(turn: TurnContext, instruction: Instruction): Promise<void> {
  switch (instruction.kind) {
    case 'say':
      return sayText(turn, instruction.text);
    case 'think':
      return sendUpdate(turn, {
        sessionUpdate: 'agent_thought_chunk',
        content: { type: 'text', text: instruction.text },
      });
    case 'plan':
      return sendUpdate(turn, {
        sessionUpdate: 'plan',
        entries: instruction.entries.map((entry) => ({ ...planEntry(entry), priority: 'medium' })),
      });
    case 'write':
      return runWrite(turn, instruction.path, instruction.content);
    case 'read':
      return runRead(turn, instruction.path);
    case 'run':
      return runCommand(turn, instruction.command);
    case 'sleep':
      await sleep(instruction.ms, turn.signal);
      return;
    case 'await':
      return awaitFile(resolve(turn.cwd, instruction.path), turn.signal);
    case 'chunks':
      for (let i = 0; i < instruction.count && !turn.signal.aborted; i += 1) {
        await sayText(turn, instruction.text);
      }
      return;
    case 'fail':
      throw new RequestError(FAIL_ERROR_CODE, instruction.message);
    case 'exit':
      process.exit(instruction.code);
  }
}

/**
 * Runs one prompt turn: executes the instructions in the prompt text in order, or, when there
 * is none, answers `Scripted agent received: <first line>`.
 *
 * @param turn the running turn (its signal aborts on `session/cancel`)
 * @param text the prompt text
 * @returns 'cancelled' when the turn was cancelled, else 'end_turn'
 * @throws RequestError for a `fail:` instruction, or whatever a client request failed with
 */
export async function runPrompt(turn: TurnContext, text: string): Promise<StopReason> {
  const instructions = parseInstructions(text);
  if (instructions.length === 0) {
    await sayText(turn, `Scripted agent received: ${text.split(/\r?\n/)[0] ?? ''}`);
    return 'end_turn';
  }
  for (const instruction of instructions) {
    if (turn.signal.aborted) return 'cancelled';
    await runInstruction(turn, instruction);
  }
  return turn.signal.aborted ? 'cancelled' : 'end_turn';
}
