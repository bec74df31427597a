/** The `flotilla` CLI as a user runs it, for capability tests: a child process, its exit code and output. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../packages/cli/bin/flotilla.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `flotilla <args>` with this process's environment plus `env`; resolves when it exits. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Start `flotilla up --port <port>` with this process's environment plus `env`; resolves with
 * the URL it prints once it serves. Stop it with `up.kill('SIGINT')` (Ctrl-C).
 * @throws when it exits before printing its URL
 */
export async function startFlotillaUp(port: number, env: NodeJS.ProcessEnv = {}): Promise<{ url: string; up: ChildProcessWithoutNullStreams }> {
  const up = spawn(process.execPath, [CLI, 'up', '--port', String(port)], { env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    up.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(/^(http:\/\/127\.0\.0\.1:\d+)$/m);
      if (match?.[1]) resolve(match[1]);
    });
    up.once('exit', (code) => reject(new Error(`flotilla up exited with ${code}`)));
  });
  return { url, up };
}
