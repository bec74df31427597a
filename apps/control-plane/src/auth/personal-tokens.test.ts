/**
 * Personal API tokens in the control plane (personal-tokens.ts, token-scope.ts,
 * api-tokens.routes.ts) on an open API (these tests' default): made once, stored as a hash,
 * refused when unknown, revoked or expired (even though the API is open), and kept to their
 * projects. With the shared token required: tests/capability/api-tokens.test.ts.
 */
import type { ApiTokenInfo, CreatedApiToken } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, expectJson } from '../../test/helpers.js';
import { expiryOf } from './api-tokens.routes.js';
import { hashPersonalToken, newPersonalToken, tokenRefusal, visiblePrefix } from './personal-tokens.js';
import type { ApiTokenRow } from './api-token-repository.js';
import { decideScope } from './token-scope.js';

type ErrorBody = { error: { code: string; message: string } };

const create = async (body: Record<string, unknown>) => expectJson<CreatedApiToken>(await api('/api/tokens', { method: 'POST', body }), 201);

const row = (overrides: Partial<ApiTokenRow> = {}): ApiTokenRow => ({
  id: 'tok_x', user_id: 'local', name: 'x', token_hash: 'h', prefix: 'flt_', project_ids: null, expires_at: null, created_at: 0, last_used_at: null, revoked_at: null, ...overrides,
});

describe('token secrets and their hash', () => {
  it('makes flt_ + 32 random bytes in base64url, hashed with SHA-256 (hex), with a short visible prefix', async () => {
    const token = newPersonalToken();
    expect(token).toMatch(/^flt_[A-Za-z0-9_-]{43}$/);
    expect(newPersonalToken()).not.toBe(token);
    expect(visiblePrefix(token)).toBe(token.slice(0, 12));
    expect(await hashPersonalToken('flt_abc')).toBe('1be2e5ab204a580028d34b91f26ba5d6be31978bad12109b13d1c5ac292ef0fa'); // sha256sum of "flt_abc"
    expect(await hashPersonalToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says why a token is refused: unknown, revoked, expired (with its date); a live one passes', () => {
    expect(tokenRefusal(null, 0)).toBe('unknown API token');
    expect(tokenRefusal(row({ revoked_at: 5 }), 10)).toBe('this API token was revoked');
    expect(tokenRefusal(row({ expires_at: Date.UTC(2026, 0, 2) }), Date.UTC(2026, 0, 3))).toBe('this API token expired on 2026-01-02T00:00:00.000Z');
    expect(tokenRefusal(row({ expires_at: 20 }), 10)).toBeNull();
    expect(tokenRefusal(row(), 10)).toBeNull();
  });

  it('computes the expiry: default days, never, the maximum and the minimum', () => {
    const limits = { API_TOKEN_DEFAULT_TTL_DAYS: 90, API_TOKEN_MAX_TTL_DAYS: 365, API_TOKEN_MIN_TTL_MS: 86_400_000 };
    expect(expiryOf(undefined, 0, limits)).toBe(90 * 86_400_000);
    expect(expiryOf(null, 0, limits)).toBeNull();
    expect(expiryOf(365, 0, limits)).toBe(365 * 86_400_000);
    expect(() => expiryOf(366, 0, limits)).toThrow(/at most 365/);
    expect(() => expiryOf(0.5, 0, limits)).toThrow(/at least 1/);
    expect(expiryOf(2 / 86_400, 0, { ...limits, API_TOKEN_MIN_TTL_MS: 1000 })).toBe(2000);
  });
});

describe('the scope of a token', () => {
  it('allows everything unscoped; hides other projects; looks tasks up; forbids routes of no project', () => {
    expect(decideScope(null, 'GET', '/api/nodes', {})).toEqual({ kind: 'allow' });
    expect(decideScope(['prj_a'], 'GET', '/api/projects/:projectId', { projectId: 'prj_a' })).toEqual({ kind: 'allow' });
    expect(decideScope(['prj_a'], 'GET', '/api/projects/:projectId/tasks', { projectId: 'prj_b' })).toEqual({ kind: 'hide', what: 'project prj_b' });
    expect(decideScope(['prj_a'], 'GET', '/api/tasks/:taskId', { taskId: 'tsk_1' })).toEqual({ kind: 'task', taskId: 'tsk_1' });
    expect(decideScope(['prj_a'], 'GET', '/api/projects', {})).toEqual({ kind: 'allow' });
    expect(decideScope(['prj_a'], 'GET', '/api/tokens/current', {})).toEqual({ kind: 'allow' });
    for (const path of ['/api/nodes', '/api/credentials', '/api/tokens', '/api/agents']) expect(decideScope(['prj_a'], 'GET', path, {})).toEqual({ kind: 'forbid' });
    expect(decideScope(['prj_a'], 'POST', '/api/projects', {})).toEqual({ kind: 'forbid' });
  });
});

describe('/api/tokens on an open API', () => {
  it('creates a token shown once, stored only as its hash; lists it without secret; reads it as current; revokes it', async () => {
    const created = await create({ name: 'laptop' });
    expect(created.token).toMatch(/^flt_/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect(Date.parse(created.expiresAt ?? '') - Date.parse(created.createdAt)).toBe(90 * 86_400_000);
    const stored = await env.DB.prepare('SELECT * FROM api_tokens WHERE id = ?').bind(created.id).first<ApiTokenRow>();
    expect(stored?.token_hash).toBe(await hashPersonalToken(created.token));
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const { tokens } = await expectJson<{ tokens: ApiTokenInfo[] }>(await api('/api/tokens'), 200);
    const listed = tokens.find((t) => t.id === created.id);
    expect(listed).toMatchObject({ name: 'laptop', prefix: created.prefix, projectIds: null });
    expect(JSON.stringify(tokens)).not.toContain(created.token);

    const current = await expectJson<ApiTokenInfo>(await api('/api/tokens/current', { token: created.token }), 200);
    expect(current.id).toBe(created.id);
    expect(current.lastUsedAt).not.toBeNull();
    await expectJson(await api('/api/tokens/current'), 404);

    expect((await api(`/api/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(404);
    const revoked = await expectJson<ErrorBody>(await api('/api/projects', { token: created.token }), 401);
    expect(revoked.error.message).toBe('this API token was revoked');
    const unknown = await expectJson<ErrorBody>(await api('/api/projects', { token: newPersonalToken() }), 401);
    expect(unknown.error.message).toBe('unknown API token');
    await expectJson(await api('/api/projects', { token: 'not-a-personal-token' }), 200);
  });

  it('refuses unknown projects naming them, lifetimes out of bounds, and bad bodies', async () => {
    const unknown = await expectJson<ErrorBody>(await api('/api/tokens', { method: 'POST', body: { name: 'x', projectIds: ['prj_nope', 'prj_gone'] } }), 400);
    expect(unknown.error.message).toBe('no such project: prj_nope, prj_gone');
    await expectJson(await api('/api/tokens', { method: 'POST', body: { name: 'x', expiresInDays: 400 } }), 400);
    await expectJson(await api('/api/tokens', { method: 'POST', body: { name: 'x', expiresInDays: 0.01 } }), 400);
    await expectJson(await api('/api/tokens', { method: 'POST', body: { name: '' } }), 400);
    expect((await create({ name: 'forever', expiresInDays: null })).expiresAt).toBeNull();
  });

  it('keeps a scoped token to its projects: 404 elsewhere, tasks by their project, 403 for routes of no project', async () => {
    const mine = await createProject('scoped-mine');
    const other = await createProject('scoped-other');
    const otherTask = await createTask(other.id, { description: 'not yours' });
    const mineTask = await createTask(mine.id, { description: 'yours' });
    const { token } = await create({ name: 'ci', projectIds: [mine.id] });

    await expectJson(await api(`/api/projects/${mine.id}/tasks`, { token }), 200);
    expect((await expectJson<ErrorBody>(await api(`/api/projects/${other.id}/tasks`, { token }), 404)).error.code).toBe('not_found');
    await expectJson(await api(`/api/tasks/${mineTask.id}`, { token }), 200);
    await expectJson(await api(`/api/tasks/${otherTask.id}`, { token }), 404);
    await expectJson(await api(`/api/tasks/${otherTask.id}/steps`, { token }), 404);
    const socket = await api(`/api/projects/${other.id}/sessions/ws`, { token, headers: { upgrade: 'websocket' } });
    expect(socket.status).toBe(404); // the live events of a project outside the scope: refused before the upgrade
    const { projects } = await expectJson<{ projects: Array<{ id: string }> }>(await api('/api/projects', { token }), 200);
    expect(projects.map((p) => p.id)).toEqual([mine.id]);
    const forbidden = await expectJson<ErrorBody>(await api('/api/nodes', { token }), 403);
    expect(forbidden.error).toMatchObject({ code: 'forbidden' });
    expect(forbidden.error.message).toContain(mine.id);
    await expectJson(await api('/api/tokens', { token }), 403);
    await expectJson(await api('/api/tokens/current', { token }), 200);
  });
});
