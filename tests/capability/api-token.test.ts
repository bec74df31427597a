/**
 * Capability: a control plane started with an API token (FLOTILLA_API_TOKEN) serves its API only
 * to callers that carry it — as a bearer token (the CLI) or as the session cookie the web app
 * gets from `POST /api/session` — while node callbacks (their own JWTs) and the daemon artifact
 * keep working without it. `flotilla run` with the token runs a task end to end, its live
 * message stream included; without it, it fails saying what is missing.
 */
import { bootTestStack, createGitRepo, showFile, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';
import { upgradeStatus } from './websocket-support.js';

const TOKEN = 'flt_test_api_token_5b1e0c9a7d';
let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ apiToken: TOKEN });
});

afterAll(async () => {
  await stack?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.url}${path}`, { headers });

/** `flotilla <args>` without an inherited FLOTILLA_API_TOKEN, plus `env`. */
const flotilla = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, { FLOTILLA_API_TOKEN: '', ...env });


describe('a control plane with an API token', () => {
  it('refuses the API without it, saying what to send; health, JWKS and the daemon artifact stay public', async () => {
    const refused = await get('/api/projects');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('FLOTILLA_API_TOKEN');
    expect((await get('/api/projects', { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect((await get('/api/projects', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(await (await get('/api/session')).json()).toEqual({ required: true, authenticated: false });
    for (const path of ['/health', '/.well-known/jwks.json', '/api/node-daemon']) expect((await get(path)).status, path).toBe(200);
  });

  it('exchanges the token for a session cookie that opens the API and the live WebSocket, and is not the token', async () => {
    const wrong = await fetch(`${stack.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) });
    expect(wrong.status).toBe(401);
    const signedIn = await fetch(`${stack.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    expect(signedIn.status).toBe(204);
    const setCookie = signedIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^flotilla_session=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0] ?? '';
    expect((await get('/api/projects', { cookie })).status).toBe(200);
    expect(await (await get('/api/session', { cookie })).json()).toEqual({ required: true, authenticated: true });

    const project = await stack.client.createProject({ name: 'guarded', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const socketUrl = `${stack.url.replace(/^http/, 'ws')}/api/projects/${project.id}/sessions/ws`;
    expect(await upgradeStatus(socketUrl, {})).toBe(401);
    expect(await upgradeStatus(socketUrl, { cookie })).toBe(101);
  });

  it('flotilla run with FLOTILLA_API_TOKEN runs a task end to end; without it, it fails saying what is missing', async () => {
    const repo = createGitRepo();
    const refused = await flotilla(['run', '--repo', repo, '--agent', 'claude-code', '--server', stack.url, 'say: hi'], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FLOTILLA_API_TOKEN');

    const description = 'say: streaming with a token\nwrite GUARDED.md: made behind a token';
    const result = await flotilla(['run', '--repo', repo, '--agent', 'claude-code', '--server', stack.url, '--json', description], { FLOTILLA_API_TOKEN: TOKEN });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as { taskId: string; status: string; sessionId: string; messageCount: number };
    expect(json.status).toBe('completed');
    expect(showFile(repo, `task/${json.taskId}`, 'GUARDED.md')).toBe('made behind a token');
    expect(result.stderr).toContain('streaming with a token'); // streamed over the WebSocket, with the token
    const task = await stack.client.getTask(json.taskId);
    expect(json.messageCount).toBe((await stack.client.allMessages(task.projectId, json.sessionId)).length);
  });
});
