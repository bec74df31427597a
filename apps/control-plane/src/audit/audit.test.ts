/**
 * The audit log inside workerd: pages newest first with `before` as an event id or a time, each
 * project's log apart from the log of no project, retention, recording that never fails the
 * action, and the routes — a project created through the API is recorded with its actor, and a
 * refused sign-in with the client's IP and never the token.
 */
import type { AuditEvent, AuditPage, Project } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiWithEnv, createProject, expectJson } from '../../test/helpers.js';
import { depsFromEnv } from '../deps.js';
import { pruneAuditEvents, recordAuditEvent } from './record.js';
import { deleteAuditEventsBefore, insertAuditEvent, listAuditEvents } from './repository.js';

const db = () => env.DB;

/** A stored event of `projectId` at `at` (ms), with an id that sorts by `n`. */
function event(projectId: string | null, n: number, at: number): AuditEvent {
  return {
    id: `aud_${String(n).padStart(26, '0')}`,
    projectId,
    actorUserId: 'local',
    actorName: null,
    actorTokenId: null,
    action: 'task.run',
    targetKind: 'task',
    targetId: `tsk_${n}`,
    detail: { title: `task ${n}`, retry: false },
    at,
  };
}

describe('audit queries', () => {
  it('pages a project newest first, by event id or by time, apart from other logs', async () => {
    const projectId = `prj_paging_${crypto.randomUUID()}`;
    // Two events share a millisecond: the order they were stored in orders them.
    const events = [event(projectId, 1, 1_000), event(projectId, 2, 2_000), event(projectId, 3, 2_000), event(projectId, 4, 3_000), event(projectId, 5, 4_000)];
    for (const e of events) await insertAuditEvent(db(), e);
    await insertAuditEvent(db(), event(`prj_other_${crypto.randomUUID()}`, 6, 5_000));

    const first = await listAuditEvents(db(), { projectId, cursor: null, limit: 2 });
    expect(first.events.map((e) => e.id)).toEqual([events[4]!.id, events[3]!.id]);
    expect(first.hasOlder).toBe(true);
    expect(first.events[0]).toEqual(events[4]);

    const second = await listAuditEvents(db(), { projectId, cursor: { eventId: first.events[1]!.id }, limit: 2 });
    expect(second.events.map((e) => e.id)).toEqual([events[2]!.id, events[1]!.id]);
    const last = await listAuditEvents(db(), { projectId, cursor: { eventId: second.events[1]!.id }, limit: 2 });
    expect(last).toEqual({ events: [events[0]], hasOlder: false });

    const byTime = await listAuditEvents(db(), { projectId, cursor: { beforeMs: 3_000 }, limit: 10 });
    expect(byTime.events.map((e) => e.id)).toEqual([events[2]!.id, events[1]!.id, events[0]!.id]);

    await expect(listAuditEvents(db(), { projectId, cursor: { eventId: 'aud_00000000000000000000000006' }, limit: 2 })).rejects.toThrow(/not found/);
  });

  it('keeps the events of no project in a log of their own', async () => {
    const global = event(null, 7, Date.now() + 60_000);
    await insertAuditEvent(db(), global);
    const page = await listAuditEvents(db(), { projectId: null, cursor: null, limit: 1 });
    expect(page.events).toEqual([global]);
  });

  it('deletes events older than the retention, in bounded batches', async () => {
    const projectId = `prj_prune_${crypto.randomUUID()}`;
    const now = Date.UTC(2030, 0, 1);
    const day = 24 * 60 * 60 * 1000;
    const retention = depsFromEnv(env).config.AUDIT_RETENTION_DAYS;
    await insertAuditEvent(db(), event(projectId, 11, now - (retention + 1) * day));
    await insertAuditEvent(db(), event(projectId, 12, now - (retention - 1) * day));
    expect(await deleteAuditEventsBefore(db(), 0, 10)).toBe(0);
    await pruneAuditEvents(depsFromEnv(env), now);
    const left = await listAuditEvents(db(), { projectId, cursor: null, limit: 10 });
    expect(left.events.map((e) => e.targetId)).toEqual(['tsk_12']);
  });

  it('never fails the action it records', async () => {
    const broken = { prepare: () => { throw new Error('D1 is down'); } } as unknown as D1Database;
    await expect(recordAuditEvent(broken, { projectId: null, actor: { userId: 'local', tokenId: null }, action: 'node.destroyed', target: { kind: 'node', id: 'nod_x' } })).resolves.toBeUndefined();
  });
});

describe('audit routes', () => {
  it('records a project created and changed, with its actor and the names of the settings changed', async () => {
    const project = await createProject('audited');
    await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { hotAgents: 0, defaultAgentType: 'codex' } }), 200);
    const page = await expectJson<AuditPage>(await api(`/api/projects/${project.id}/audit?limit=10`), 200);
    expect(page.events.map((e) => e.action)).toEqual(['project.updated', 'project.created']);
    expect(page.events[0]).toMatchObject({ projectId: project.id, actorUserId: 'local', actorTokenId: null, targetKind: 'project', targetId: project.id, detail: { settings: ['defaultAgentType', 'hotAgents'] } });
    expect(page.events[1]?.detail).toEqual({ name: 'audited' });
  });

  it('refuses a bad cursor with 400 and an unknown project with 404', async () => {
    const project = await createProject('cursor');
    expect((await api(`/api/projects/${project.id}/audit?before=yesterday`)).status).toBe(400);
    expect((await api(`/api/projects/${project.id}/audit?limit=0`)).status).toBe(400);
    expect((await api('/api/projects/prj_none/audit')).status).toBe(404);
  });

  it('records sign-ins and refused ones with the client IP, never the token', async () => {
    const token = 'audit-test-api-token-value';
    const signIn = (presented: string) =>
      apiWithEnv('/api/session', { FLOTILLA_API_TOKEN: token }, { method: 'POST', body: { token: presented }, headers: { 'cf-connecting-ip': '203.0.113.7' } });
    expect((await signIn('wrong-token-value-xyz')).status).toBe(401);
    expect((await signIn(token)).status).toBe(204);
    const response = await api('/api/audit?limit=5');
    const text = await response.clone().text();
    expect(text).not.toContain(token);
    expect(text).not.toContain('wrong-token-value-xyz');
    const page = await expectJson<AuditPage>(response, 200);
    const signIns = page.events.filter((e) => e.action.startsWith('sign_in.'));
    expect(signIns.slice(0, 2).map((e) => [e.action, e.actorUserId, e.detail.ip])).toEqual([
      ['sign_in.succeeded', 'local', '203.0.113.7'],
      ['sign_in.refused', null, '203.0.113.7'],
    ]);
  });
});
