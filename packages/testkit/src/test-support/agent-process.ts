import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { ndJsonStream } from '@agentclientprotocol/sdk';
import type { ClientApp, ClientConnection, ClientContext } from '@agentclientprotocol/sdk';

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
  /** Closes the connection and kills the process if it is still running; waits for the exit. */
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
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return { child, connection, agent: connection.agent, exited, stderr: () => stderr, stop };
}
