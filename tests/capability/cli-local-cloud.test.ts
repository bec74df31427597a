/**
 * Capability (issue 12, item 5): the local cloud as `flotilla up` runs it, against a hostile
 * agent. The CLI's environment holds canary secrets (the API token, a Cloudflare token, some
 * other secret); the state directory sits where nothing else would hide it (under this
 * repository, not /tmp or a home). The agent — the scripted agent's `run:` lines — tries to read
 * the state directory (server.json, secrets.env with the local cloud's secret), dumps its
 * environment and every `/proc/<pid>/environ` it can see, and writes what it got into its
 * workspace, which is committed and pushed. Then:
 * - no canary and no secret of the state directory is in the pushed branch or the chat;
 * - no node daemon's `/proc/<pid>/environ` holds a canary, and each hides the state directory
 *   from its agents (FLOTILLA_SANDBOX_HIDE);
 * - the local cloud answers only callers with its secret (401) and refuses a node id that is no
 *   node id (400);
 * - `.flotilla` is 0700, secrets.env and server.json 0600;
 * - the task still completes with its change pushed, and Ctrl-C leaves nothing running.
 */
import { freePort } from '@flotilla/cli';
import { agentOverrideEnv, createGitRepo, nodeDaemonsAmong, processesOfStack, processesWithEnv, showFile, waitUntil } from '@flotilla/testkit/stack';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startFlotillaUp } from './cli-support.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** Unique secrets of the CLI's environment: none may reach a node daemon or an agent. */
const CANARIES = {
  FLOTILLA_API_TOKEN: 'canary-api-token-b7e21f4c9d',
  CLOUDFLARE_API_TOKEN: 'canary-cloudflare-token-3a8f0e6b15',
  FLOTILLA_TEST_OTHER_SECRET: 'canary-other-secret-c40d9b27aa',
};
// Under the repository (.flotilla/ is ignored by git): not in /tmp, /root or a home, which the
// sandbox hides anyway, so only FLOTILLA_SANDBOX_HIDE can keep it from the agent.
mkdirSync(join(REPO_ROOT, '.flotilla'), { recursive: true });
const home = mkdtempSync(join(REPO_ROOT, '.flotilla', 'cli-local-cloud-'));

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

/** The hostile agent's prompt: each attempt's output lands in a file of the workspace. */
function hostilePrompt(): string {
  const attempt = (file: string, command: string) => `run: (${command}) > ${file} 2>&1; true`;
  return [
    attempt('server.txt', `cat ${home}/server.json`),
    attempt('secrets.txt', `cat ${home}/secrets.env`),
    attempt('home.txt', `ls -la ${home} ${home}/state`),
    attempt('env.txt', 'env'),
    attempt('environ.txt', "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $f; done"),
    'write done.txt: contained',
    'say: tried everything',
  ].join('\n');
}

/** `NAME=value` entries of a process's environment. */
function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
}

/** The Worker vars in `arg` when it is the control plane's JSON options (stack/control-plane-server.ts), else null. */
function controlPlaneVarsOf(arg: string): Record<string, string> | null {
  try {
    const parsed = JSON.parse(arg) as { vars?: Record<string, string> } | null;
    return parsed?.vars ?? null;
  } catch {
    return null;
  }
}

describe('the local cloud under flotilla up, with a hostile agent', () => {
  it("keeps the CLI's secrets and state from node daemons and agents, and requires its own secret", async () => {
    const env = { ...process.env, ...agentOverrideEnv('scripted'), ...CANARIES, FLOTILLA_HOME: home };
    const { url, up } = await startFlotillaUp(await freePort(), env);
    try {
      const repo = createGitRepo({ 'README.md': '# contained\n' });
      const run = await runCli(['run', '--repo', repo, '--agent', 'claude-code', '--json', hostilePrompt()], env);
      expect(run.code, run.stderr).toBe(0);
      const { taskId, sessionId } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { taskId: string; sessionId: string };
      const branch = `task/${taskId}`;
      expect(showFile(repo, branch, 'done.txt')).toBe('contained');

      // What the agent could read, and what it sent: its files on the branch, the chat.
      const secretsEnv = readFileSync(join(home, 'secrets.env'), 'utf8');
      const stateSecrets = secretsEnv.split('\n').filter(Boolean).map((line) => line.slice(line.indexOf('=') + 1));
      expect(stateSecrets.length).toBeGreaterThanOrEqual(3); // credentials key, local cloud secret, API token
      const files = execFileSync('git', ['ls-tree', '--name-only', branch], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
      const seen = files.map((file) => showFile(repo, branch, file)).join('\n');
      const headers = { authorization: `Bearer ${CANARIES.FLOTILLA_API_TOKEN}` };
      const chat = await (await fetch(`${url}/api/tasks/${taskId}`, { headers })).text();
      const messages = await (await fetch(`${url}/api/projects/${JSON.parse(chat).projectId}/sessions/${sessionId}/messages?limit=500`, { headers })).text();
      expect(showFile(repo, branch, 'env.txt')).toContain('PATH=');
      expect(showFile(repo, branch, 'secrets.txt')).toMatch(/No such file|not found/);
      for (const secret of [...Object.values(CANARIES), ...stateSecrets]) {
        expect(seen).not.toContain(secret);
        expect(messages).not.toContain(secret);
      }

      // The node daemons (the task's node, and any standby daemon loaded for the next node): none
      // holds a canary; each hides the state directory from its agents.
      const daemons = nodeDaemonsAmong(processesOfStack(home));
      expect(daemons.length).toBeGreaterThan(0);
      for (const pid of daemons) {
        const environ = environOf(pid);
        for (const canary of Object.values(CANARIES)) expect(environ.join('\n')).not.toContain(canary);
        expect(environ.some((entry) => entry.startsWith('FLOTILLA_HOME='))).toBe(false);
        expect(environ.find((entry) => entry.startsWith('FLOTILLA_SANDBOX_HIDE='))?.split('=')[1]?.split(',')).toContain(home);
      }

      // The local cloud (its URL is a var on the control plane's command line, in its JSON options)
      // answers only with its secret.
      const commandLines = processesWithEnv(`FLOTILLA_HOME=${home}`).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
      const localCloudUrl = commandLines.flat().map(controlPlaneVarsOf).find((vars) => vars?.LOCAL_CLOUD_URL)?.LOCAL_CLOUD_URL ?? '';
      expect(localCloudUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const localCloudSecret = secretsEnv.match(/^LOCAL_CLOUD_SECRET=(.+)$/m)?.[1] ?? '';
      expect(commandLines.flat().join(' ')).not.toContain(localCloudSecret);
      expect((await fetch(`${localCloudUrl}/nodes`)).status).toBe(401);
      const listed = await fetch(`${localCloudUrl}/nodes`, { headers: { authorization: `Bearer ${localCloudSecret}` } });
      expect(listed.status).toBe(200);
      // Every node it lists is one of those daemons; a daemon it does not list is its standby (at most one).
      const listedPids = ((await listed.json()) as { nodes: Array<{ pid: number | null }> }).nodes.map((node) => node.pid);
      expect(listedPids.length).toBeGreaterThan(0);
      for (const pid of listedPids) expect(daemons).toContain(pid);
      const unlisted = daemons.filter((pid) => !listedPids.includes(pid));
      expect(unlisted.length).toBeLessThanOrEqual(1);
      for (const pid of unlisted) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--standby');
      const escape = await fetch(`${localCloudUrl}/nodes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${localCloudSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ nodeId: '../../escaped', controlPlaneUrl: url, callbackToken: 'x' }),
      });
      expect(escape.status).toBe(400);

      // The state directory is the user's alone.
      expect(statSync(home).mode & 0o777).toBe(0o700);
      expect(statSync(join(home, 'secrets.env')).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, 'server.json')).mode & 0o777).toBe(0o600);
    } finally {
      up.kill('SIGINT');
      await new Promise((done) => up.once('exit', done));
    }
    // Its control plane's processes (the dev server, workerd) go shortly after `flotilla up` exits.
    await waitUntil('no process of the stack is left', () => processesOfStack(home).length === 0, 30_000).catch(() => undefined);
    expect(processesOfStack(home)).toEqual([]);
  });
});
