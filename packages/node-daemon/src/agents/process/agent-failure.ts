/**
 * Readable failure messages for an agent turn that did not end well — the `error` of a failed
 * task callback. Whenever the agent process has exited, the message carries its exit code (or
 * signal) and the tail of its stderr, because that is usually where the reason is.
 */
import { RequestError } from '@agentclientprotocol/sdk';
import { errorMessage } from '@flotilla/kit';
import { constants } from 'node:os';
import type { AgentExit, AgentProcess } from './agent-process.js';

/** The agent process exited while the daemon was waiting for it. */
export class AgentExitedError extends Error {
  constructor(readonly exit: AgentExit) {
    super(describeExit(exit));
    this.name = 'AgentExitedError';
  }
}

/**
 * `agent exited with code 3` / `agent was killed by SIGKILL`. A sandboxed agent is a child of
 * bubblewrap, which exits with 128 + N when its child is killed by signal N (as shells report
 * it): such a code is named with its signal, `agent exited with code 137 (killed by SIGKILL)`.
 */
export function describeExit(exit: AgentExit): string {
  if (exit.code === null) return `agent was killed by ${exit.signal ?? 'a signal'}`;
  const signal = exit.code > 128 ? signalName(exit.code - 128) : undefined;
  return signal ? `agent exited with code ${exit.code} (killed by ${signal})` : `agent exited with code ${exit.code}`;
}

/** The name of signal `number` (`SIGKILL` for 9), or undefined when there is none. */
function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}

/** Reject with AgentExitedError when `agent` exits (use in a race against an ACP request). */
export function rejectOnExit(agent: AgentProcess): Promise<never> {
  return agent.exited.then((exit) => {
    throw new AgentExitedError(exit);
  });
}

function withStderr(message: string, agent: AgentProcess | null): string {
  const tail = agent?.stderrTail().trim();
  return tail ? `${message}\n--- agent stderr (last part) ---\n${tail}` : message;
}

/**
 * Describe why a turn failed.
 *
 * @param error - what the turn failed with (spawn error, ACP `RequestError`, timeout, closed
 *   connection, AgentExitedError).
 * @param agent - the agent process, or null when it never started.
 * @param exitGraceMs - how long to wait for the exit status when the connection broke but the
 *   process has not been reaped yet (AGENT_EXIT_GRACE_MS).
 */
export async function describeAgentFailure(
  error: unknown,
  agent: AgentProcess | null,
  exitGraceMs: number,
): Promise<string> {
  if (error instanceof RequestError) {
    return withStderr(`agent returned JSON-RPC error ${error.code}: ${error.message}`, agent);
  }
  if (!agent) return errorMessage(error);
  let exit = agent.exit;
  if (!exit && exitGraceMs > 0) {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), exitGraceMs);
    });
    exit = await Promise.race([agent.exited, grace]);
    clearTimeout(timer);
  }
  if (exit) return withStderr(`${describeExit(exit)} before the turn ended`, agent);
  return withStderr(errorMessage(error), agent);
}
