import { spawn } from 'node:child_process';
import { sendUpdate, textContent, type TurnContext } from './turn-context.js';

/** Result of a shell command. `exitCode` is null when it was killed or could not start. */
interface CommandResult {
  exitCode: number | null;
  output: string;
}

/**
 * Runs `sh -c <command>` in `cwd`, collecting stdout and stderr interleaved. Kills the whole
 * process group when `signal` aborts. Never rejects: a spawn error becomes the output.
 */
function runShell(command: string, cwd: string, signal: AbortSignal): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const onAbort = (): void => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ exitCode: null, output: `${output}${error.message}` });
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ exitCode: code, output });
    });
    if (signal.aborted) onAbort();
  });
}

/**
 * Runs a `run` instruction: announces an execute tool call titled with the command, runs it with
 * `sh -c` in the session cwd, and completes the tool call (exit 0) or fails it (anything else),
 * with the combined output as text content. The command is killed when the turn is cancelled.
 *
 * @param turn the running turn
 * @param command the shell command line
 */
export async function runCommand(turn: TurnContext, command: string): Promise<void> {
  const toolCallId = turn.nextToolCallId();
  await sendUpdate(turn, {
    sessionUpdate: 'tool_call',
    toolCallId,
    title: command,
    kind: 'execute',
    status: 'pending',
    rawInput: { command, cwd: turn.cwd },
  });
  await sendUpdate(turn, { sessionUpdate: 'tool_call_update', toolCallId, status: 'in_progress' });
  const result = await runShell(command, turn.cwd, turn.signal);
  await sendUpdate(turn, {
    sessionUpdate: 'tool_call_update',
    toolCallId,
    status: result.exitCode === 0 ? 'completed' : 'failed',
    content: [textContent(result.output)],
    rawOutput: { exitCode: result.exitCode, output: result.output },
  });
}
