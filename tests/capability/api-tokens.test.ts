/**
 * Capability: personal API tokens (issue 14 item 4) on a control plane that requires its shared
 * FLOTILLA_API_TOKEN. A token made with the shared token is saved by `flotilla login` in a 0600
 * file and lets the CLI work with no FLOTILLA_API_TOKEN in its environment; revoked, the same
 * command fails saying so and to log in again. A token scoped to one project gets 404 on
 * another and 403 on the nodes. Expiry is seen in real time: the stack lowers the shortest
 * lifetime a token may be given (API_TOKEN_MIN_TTL_MS, 1 day by default) to 1 s, and the test
 * makes a token that lives 3 s and waits until the API refuses it — no row is written by hand.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreatedApiToken } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';

const SHARED = 'shared_test_api_token_71c2e4';
let stack: TestStack;
let home: string;

beforeAll(async () => {
  stack = await bootTestStack({ apiToken: SHARED, vars: { API_TOKEN_MIN_TTL_MS: '1000' } });
  home = mkdtempSync(join(tmpdir(), 'flotilla-login-'));
});

afterAll(async () => {
  await stack?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A request to the API with `token` as bearer. */
const call = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${stack.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

async function createToken(body: Record<string, unknown>): Promise<CreatedApiToken> {
  const response = await call('/api/tokens', SHARED, { method: 'POST', body });
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedApiToken;
}

/** `flotilla <args>` in the test's FLOTILLA_HOME, without FLOTILLA_API_TOKEN. */
const flotilla = (args: string[]) => runCli(args, { FLOTILLA_API_TOKEN: '', FLOTILLA_HOME: home });

const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

describe('personal API tokens against a control plane that requires its shared token', () => {
  it('flotilla login saves a token (0600); the CLI works with it alone; revoked, the CLI says so and to log in again', async () => {
    const project = await stack.client.createProject({ name: 'tokens-cli', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const task = await stack.client.createTask(project.id, { description: 'a draft listed through a personal token' });
    const created = await createToken({ name: 'laptop' });
    expect(created.token).toMatch(/^flt_[A-Za-z0-9_-]{43}$/);

    const login = await flotilla(['login', '--server', stack.url, '--token', created.token]);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain('personal token "laptop"');
    const file = join(home, 'login.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ server: stack.url, token: created.token });

    const tasks = await flotilla(['tasks']);
    expect(tasks.code, tasks.stderr).toBe(0);
    expect(tasks.stdout).toContain(task.id);
    const listed = await flotilla(['tokens', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const tokens = JSON.parse(listed.stdout) as Array<{ id: string; lastUsedAt: string | null }>;
    expect(tokens.find((t) => t.id === created.id)?.lastUsedAt).not.toBeNull();
    expect(listed.stdout).not.toContain(created.token);

    const revoke = await call(`/api/tokens/${created.id}`, SHARED, { method: 'DELETE' });
    expect(revoke.status).toBe(204);
    const refused = await flotilla(['tasks']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('this API token was revoked');
    expect(refused.stderr).toContain('run flotilla login again');
    const again = await flotilla(['login', '--server', stack.url, '--token', created.token]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('this API token was revoked');

    const logout = await flotilla(['logout']);
    expect(logout.code).toBe(0);
    expect(() => statSync(file)).toThrow();
  });

  it('a token scoped to one project: 200 there, 404 on another project and its tasks, 403 on the nodes', async () => {
    const mine = await stack.client.createProject({ name: 'tokens-mine', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const other = await stack.client.createProject({ name: 'tokens-other', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const otherTask = await stack.client.createTask(other.id, { description: 'out of scope' });
    const { token } = await createToken({ name: 'ci', projectIds: [mine.id] });

    expect((await call(`/api/projects/${mine.id}`, token)).status).toBe(200);
    expect((await call(`/api/projects/${mine.id}/tasks`, token)).status).toBe(200);
    expect((await call(`/api/projects/${other.id}`, token)).status).toBe(404);
    expect((await call(`/api/tasks/${otherTask.id}`, token)).status).toBe(404);
    const nodes = await call('/api/nodes', token);
    expect(nodes.status).toBe(403);
    const error = await errorOf(nodes);
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain(mine.id);
  });

  it('an unknown flt_ token is refused as unknown; an expired one says when it expired', async () => {
    expect(await errorOf(await call('/api/projects', 'flt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).toMatchObject({ code: 'unauthorized', message: 'unknown API token' });
    const tooShort = await call('/api/tokens', SHARED, { method: 'POST', body: { name: 'blink', expiresInDays: 0.5 / 86_400 } });
    expect(tooShort.status).toBe(400);

    const shortLived = await createToken({ name: 'short-lived', expiresInDays: 3 / 86_400 });
    const expiresAt = shortLived.expiresAt ?? '';
    expect(Date.parse(expiresAt) - Date.parse(shortLived.createdAt)).toBe(3000);
    await expect
      .poll(async () => (await call('/api/projects', shortLived.token)).status, { timeout: 30_000, interval: 500 })
      .toBe(401);
    expect((await errorOf(await call('/api/projects', shortLived.token))).message).toBe(`this API token expired on ${expiresAt}`);
  });
});
