/** The `flotilla` CLI as a user runs it, for capability tests: a child process, its exit code and output. */
import { spawn } from 'node:child_process';
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
