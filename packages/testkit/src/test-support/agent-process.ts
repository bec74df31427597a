import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { ndJsonStream } from '@agentclientprotocol/sdk';
import { signalGroup, waitForGroupExit } from './process-group.js';
import type { ClientApp, ClientConnection, ClientContext } from '@agentclientprotocol/sdk';

/** How long `stop` waits for the agent to exit on stdin EOF before SIGTERM, in ms. */
const GRACEFUL_EXIT_MS = 2000;

/** An ACP agent child process with a client connection over its stdio. */
export interface AgentProcess {
  child: ChildProcessWithoutNullStreams;
  connection: ClientConnection;
  /** Calls agent-side ACP methods. */
  agent: ClientContext;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<number | null>;
  /** Everything the agent wrote to stderr so far. */
  stderr: () => string;
  /**
   * Closes the connection and the agent's stdin, sends its process group SIGTERM after 2 s and
   * SIGKILL after 5 s if it is still running; then sends SIGTERM to what is left of the group
   * (grandchildren) and waits until all of it has exited (SIGKILL after 5 s).
   */
  stop: () => Promise<void>;
}

/** Options of {@link spawnAcpAgent}. */
export interface SpawnAcpAgentOptions {
  command: string;
  args: string[];
  /** The client app whose handlers serve the agent's requests. */
  client: ClientApp;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Spawns an ACP agent and connects `client` to it over the child's stdin/stdout
 * (newline-delimited JSON-RPC). The agent's stderr is collected, not forwarded.
 *
 * @throws nothing synchronously; a spawn failure surfaces as `exited` resolving and the
 *   connection closing
 */
export function spawnAcpAgent(options: SpawnAcpAgentOptions): AgentProcess {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group, so `stop` can wait for (and end) the agent's children too.
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve(code));
  });
  const stream = ndJsonStream(
    Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
    Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
  );
  const connection = options.client.connect(stream);
  const stop = async (): Promise<void> => {
    connection.close();
    child.stdin.end();
    const pgid = child.pid;
    const running = (): boolean => child.exitCode === null && child.signalCode === null;
    // Stdin EOF lets the agent shut down on its own; then escalate.
    const term = setTimeout(() => running() && pgid !== undefined && signalGroup(pgid, 'SIGTERM'), GRACEFUL_EXIT_MS);
    const kill = setTimeout(() => running() && pgid !== undefined && signalGroup(pgid, 'SIGKILL'), GRACEFUL_EXIT_MS + 3000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
    // Children may outlive the agent (Claude Code's native binary does, for ~3 s): end them too.
    if (pgid !== undefined && signalGroup(pgid, 'SIGTERM')) await waitForGroupExit(pgid, GRACEFUL_EXIT_MS + 3000);
  };
  return { child, connection, agent: connection.agent, exited, stderr: () => stderr, stop };
}
