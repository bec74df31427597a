/**
 * Capability: `flotilla up` as a user runs it — prints its URL, serves `flotilla run` (found
 * through its server.json, no --server), and on Ctrl-C (SIGINT) stops the control plane, every
 * node daemon and agent, leaving no process behind.
 */
import { freePort } from '@flotilla/cli';
import { agentOverrideEnv, createGitRepo, processesOfStack, showFile } from '@flotilla/testkit/stack';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, startFlotillaUp } from './cli-support.js';

describe('flotilla up', () => {
  it('serves flotilla run and stops everything on Ctrl-C', async () => {
    const home = mkdtempSync(join(tmpdir(), 'flotilla-up-'));
    // Its nodes run the scripted agent for `--agent claude-code` (the testkit's agent-command override).
    const env = { ...process.env, ...agentOverrideEnv('scripted'), FLOTILLA_HOME: home };
    const port = await freePort();
    const { url, up } = await startFlotillaUp(port, env);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(existsSync(join(home, 'server.json'))).toBe(true);

    const repo = createGitRepo();
    const run = spawn(process.execPath, [CLI, 'run', '--repo', repo, '--agent', 'claude-code', '--json', 'write up.txt: served by flotilla up'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number>((res) => run.once('exit', (c) => res(c ?? 1)));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`Using the running Flotilla at ${url}`);
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { taskId: string };
    expect(showFile(repo, `task/${result.taskId}`, 'up.txt')).toBe('served by flotilla up');

    // Stored credentials work out of the box: `up` keeps a generated encryption key in its state
    // directory (mode 0600), never in a process argument.
    const saved = await fetch(`${url}/api/credentials/agents/claude-code`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'sk-test-0123456789abcdef' }),
    });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(await saved.json())).not.toContain('0123456789ab');
    expect(statSync(join(home, 'secrets.env')).mode & 0o777).toBe(0o600);

    up.kill('SIGINT');
    const upCode = await new Promise<number | null>((res) => up.once('exit', (c) => res(c)));
    expect(upCode).toBe(0);
    expect(existsSync(join(home, 'server.json'))).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesOfStack(home)).toEqual([]);
  });
});
