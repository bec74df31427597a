/**
 * Session archives inside workerd (issue 15 item 3): the callback keeps an archive under the
 * workspace's chat session (its workspace token only), a newer one replaces the older, one over
 * SESSION_ARCHIVE_MAX_BYTES is refused with 413, a resume's start gets it as `sessionLoad` with
 * the follow-up alone, and the cron's prune deletes archives past SESSION_ARCHIVE_RETENTION_DAYS
 * (which are never handed out meanwhile).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiWithEnv, callbackToken, createProject, deps, expectJson, seedWorkspace } from '../../test/helpers.js';
import { getSessionArchive, putSessionArchive } from './repository.js';
import { pruneSessionArchives, sessionLoadFor } from './session-archives.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ACP_SESSION = '6f1c1c9e-8f7e-4a59-9a43-2d4b1f0c9d11';

/** Base64 of `n` bytes (stands for a gzipped archive: the control plane never opens it). */
const bytesBase64 = (n: number, fill = 7): string => btoa(String.fromCharCode(...new Uint8Array(n).fill(fill)));

const body = (archive: string, acpSessionId = ACP_SESSION) => ({ agentSessionId: 'ses_agent_1', agentType: 'claude-code', acpSessionId, archive });

describe('the session archive callback', () => {
  it('keeps the archive under the chat session, a newer one replacing it; gives it to a resume', async () => {
    const project = await createProject('archives');
    const chatSessionId = `chs_${crypto.randomUUID()}`;
    const { workspaceId, token } = await seedWorkspace(project.id, chatSessionId);
    const path = `/api/workspaces/${workspaceId}/session-archive`;
    await expectJson(await api(path, { method: 'POST', token, body: body(bytesBase64(100, 1)) }), 200);
    await expectJson(await api(path, { method: 'POST', token, body: body(bytesBase64(50, 2), 'second-session') }), 200);

    const kept = await getSessionArchive(env.DB, chatSessionId, 'claude-code', 0);
    expect(kept).toMatchObject({ acpSessionId: 'second-session', projectId: project.id, workspaceId });
    expect([...(kept?.archive ?? [])]).toEqual(new Array(50).fill(2));
    expect(await getSessionArchive(env.DB, chatSessionId, 'codex', 0)).toBeNull();

    const load = await sessionLoadFor(deps(), { chatSessionId, agentType: 'claude-code', followUp: 'and now?' }, Date.now());
    expect(load).toEqual({ acpSessionId: 'second-session', archive: bytesBase64(50, 2), prompt: 'and now?' });
    expect(await sessionLoadFor(deps(), { chatSessionId, agentType: 'codex', followUp: 'x' }, Date.now())).toBeUndefined();
    expect(await sessionLoadFor(deps(), { chatSessionId: null, agentType: 'claude-code', followUp: 'x' }, Date.now())).toBeUndefined();
  });

  it('refuses an archive over SESSION_ARCHIVE_MAX_BYTES (413), a bad session id (400), another workspace\'s token (401/403)', async () => {
    const project = await createProject('archives-refused');
    const chatSessionId = `chs_${crypto.randomUUID()}`;
    const { workspaceId, token, nodeId } = await seedWorkspace(project.id, chatSessionId);
    const path = `/api/workspaces/${workspaceId}/session-archive`;
    const tooLarge = await apiWithEnv(path, { SESSION_ARCHIVE_MAX_BYTES: '64' }, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: body(bytesBase64(65)) });
    expect((await expectJson<{ error: { code: string } }>(tooLarge, 413)).error.code).toBe('payload_too_large');
    expect(await getSessionArchive(env.DB, chatSessionId, 'claude-code', 0)).toBeNull();

    expect((await api(path, { method: 'POST', token, body: body(bytesBase64(10), '../../etc/passwd') })).status).toBe(400);
    const nodeOnly = await callbackToken(nodeId);
    expect([401, 403]).toContain((await api(path, { method: 'POST', token: nodeOnly, body: body(bytesBase64(10)) })).status);
    const other = await seedWorkspace(project.id, `chs_${crypto.randomUUID()}`);
    expect([401, 403, 404]).toContain((await api(path, { method: 'POST', token: other.token, body: body(bytesBase64(10)) })).status);
    expect(await getSessionArchive(env.DB, chatSessionId, 'claude-code', 0)).toBeNull();
  });

  it('prunes archives past SESSION_ARCHIVE_RETENTION_DAYS and never hands one out meanwhile', async () => {
    const now = Date.now();
    const retentionMs = deps().config.SESSION_ARCHIVE_RETENTION_DAYS * DAY_MS;
    const old = `chs_old_${crypto.randomUUID()}`;
    const fresh = `chs_fresh_${crypto.randomUUID()}`;
    const archive = { agentType: 'claude-code' as const, projectId: 'prj_x', workspaceId: 'ws_x', acpSessionId: ACP_SESSION, archive: new Uint8Array([1, 2, 3]) };
    await putSessionArchive(env.DB, { ...archive, chatSessionId: old, createdAt: now - retentionMs - 1_000 });
    await putSessionArchive(env.DB, { ...archive, chatSessionId: fresh, createdAt: now - retentionMs + 60_000 });
    expect(await sessionLoadFor(deps(), { chatSessionId: old, agentType: 'claude-code', followUp: 'x' }, now)).toBeUndefined();
    expect(await sessionLoadFor(deps(), { chatSessionId: fresh, agentType: 'claude-code', followUp: 'x' }, now)).toBeDefined();

    expect(await pruneSessionArchives(deps(), now)).toBeGreaterThanOrEqual(1);
    expect(await getSessionArchive(env.DB, old, 'claude-code', 0)).toBeNull();
    expect(await getSessionArchive(env.DB, fresh, 'claude-code', 0)).not.toBeNull();
  });
});
