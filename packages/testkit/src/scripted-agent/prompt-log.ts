import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One line of the prompt log written by the scripted agent. */
export interface PromptLogEntry {
  sessionId: string;
  cwd: string;
  /**
   * The cwd's `.git/HEAD` when the session was opened (`session/new`), e.g.
   * `ref: refs/heads/task/tsk_…`; null when there was no repository there yet.
   */
  headAtSessionNew: string | null;
  /** ISO 8601 time the agent's process started (a warm agent's is before its task existed). */
  agentStartedAt: string;
  /** All text content blocks of the prompt joined with "\n". */
  text: string;
  /** ISO 8601 time the agent received the prompt. */
  receivedAt: string;
}

/**
 * Appends one prompt to the log file as a JSON line, synchronously, so the entry is on disk
 * before the agent acts on the prompt (and survives an `exit:` instruction).
 *
 * @param logPath file to append to (created when missing); when undefined nothing is written
 * @param entry the prompt to record
 * @throws the file system error when the file cannot be written
 */
export function appendPromptLog(logPath: string | undefined, entry: PromptLogEntry): void {
  if (!logPath) return;
  appendFileSync(logPath, `${JSON.stringify(entry)}\n`, 'utf8');
}

/**
 * Reads a prompt log written by {@link appendPromptLog}.
 *
 * @param content the log file's content
 * @returns the entries in the order they were written
 * @throws SyntaxError when a line is not JSON
 */
export function parsePromptLog(content: string): PromptLogEntry[] {
  return content
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as PromptLogEntry);
}

/**
 * Reads the prompt log file at `logPath`: every prompt the scripted agent received, in order.
 * @returns [] when the file does not exist yet (no prompt received)
 */
export function readPromptLog(logPath: string): PromptLogEntry[] {
  return existsSync(logPath) ? parsePromptLog(readFileSync(logPath, 'utf8')) : [];
}

/**
 * A fresh prompt log and the node environment that makes the scripted agent write it: the path
 * (SCRIPTED_AGENT_LOG, handed to the agent through AGENT_ENV_PASSTHROUGH), and its directory
 * writable from inside the agent's sandbox (FLOTILLA_SANDBOX_WRITE) — test instrumentation,
 * outside the workspace.
 */
export function promptLogEnv(prefix = 'flotilla-prompts-'): { path: string; env: Record<string, string> } {
  const path = join(mkdtempSync(join(tmpdir(), prefix)), 'prompts.jsonl');
  return { path, env: { SCRIPTED_AGENT_LOG: path, AGENT_ENV_PASSTHROUGH: 'SCRIPTED_AGENT_LOG', FLOTILLA_SANDBOX_WRITE: dirname(path) } };
}
