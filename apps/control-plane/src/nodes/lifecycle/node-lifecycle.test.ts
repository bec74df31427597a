/**
 * NodeLifecycle (issue 6, item 1; spec T038's scenarios) against real Durable Object storage,
 * alarms and D1, with the stand-in local cloud as the provider.
 */
import { FlotillaError, unwrap } from '@flotilla/kit';
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertWorkspace } from '../../workspaces/repository.js';
import { getNode, insertNode, markNodeReady } from '../repository.js';
import { sweepNodes as sweep } from '../sweep.js';
import { createProject, deps, eventually, nodeLifecycle, nodeLifecycleObject, standIn } from '../../../test/helpers.js';

const sweepNodes = (nowMs?: number, daemonVersion?: string | null) => sweep(deps(), nowMs, daemonVersion);

const HOUR_MS = 60 * 60 * 1000;

/** A ready auto-provisioned node in D1 and its NodeLifecycle stub. */
async function readyNode() {
  const nodeId = `nod_${crypto.randomUUID()}`;
  await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
  await markNodeReady(env.DB, nodeId, 'http://127.0.0.1:9/unused', 'test', 'none');
  return { nodeId, stub: nodeLifecycle(nodeId), object: nodeLifecycleObject(nodeId) };
}

const alarmOf = (nodeId: string) => runInDurableObject(nodeLifecycleObject(nodeId), (_obj, state) => state.storage.getAlarm());
const row = async (nodeId: string) => {
  const node = await getNode(env.DB, nodeId);
  return { status: node?.status, warmSince: node?.warm_since ?? null };
};
const deletesOf = (nodeId: string) => standIn.requests({ method: 'DELETE', path: `/cloud/nodes/${nodeId}` });

describe('NodeLifecycle', () => {
  it('markIdle makes the node warm with an alarm at now + timeout, and D1 follows', async () => {
    const { nodeId, stub } = await readyNode();
    const before = Date.now();
    const state = await stub.markIdle(nodeId, HOUR_MS);
    expect(state).toMatchObject({ nodeId, status: 'warm', holderIds: [], claimedBy: null });
    const alarm = await alarmOf(nodeId);
    expect(alarm).toBeGreaterThanOrEqual(before + HOUR_MS);
    expect(alarm).toBeLessThanOrEqual(Date.now() + HOUR_MS);
    expect(Date.parse(state.warmUntil ?? '')).toBe(alarm);
    expect(await row(nodeId)).toEqual({ status: 'warm', warmSince: state.warmSince });
  });

  it('markIdle again while warm resets the timer', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markIdle(nodeId, HOUR_MS);
    const first = await alarmOf(nodeId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await stub.markIdle(nodeId, 2 * HOUR_MS);
    expect(await alarmOf(nodeId)).toBeGreaterThan((first ?? 0) + HOUR_MS - 100);
  });

  it('tryClaim: exactly one of many concurrent callers wins a warm node; it becomes active and its alarm is cancelled', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markIdle(nodeId, HOUR_MS);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stub.tryClaim(`tsk_${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = `tsk_${results.indexOf(true)}`;
    expect(await stub.getStatus()).toMatchObject({ status: 'active', holderIds: [winner], claimedBy: winner, warmSince: null, warmUntil: null });
    expect(await alarmOf(nodeId)).toBeNull();
    expect(await row(nodeId)).toEqual({ status: 'ready', warmSince: null });
    // The winner asking again is still the holder; a loser asking again still loses.
    expect(await stub.tryClaim(winner)).toBe(true);
    expect(await stub.tryClaim('tsk_late')).toBe(false);
  });

  it('tryClaim on an active node answers false and changes nothing', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markActive(nodeId, 'tsk_a');
    expect(await stub.tryClaim('tsk_b')).toBe(false);
    expect(await stub.getStatus()).toMatchObject({ status: 'active', holderIds: ['tsk_a'], claimedBy: null });
  });

  it('markActive cancels the warm timer and clears warm_since', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markIdle(nodeId, HOUR_MS);
    expect(unwrap(await stub.markActive(nodeId, 'tsk_x'))).toMatchObject({ status: 'active', holderIds: ['tsk_x'], warmSince: null });
    expect(await alarmOf(nodeId)).toBeNull();
    expect(await row(nodeId)).toEqual({ status: 'ready', warmSince: null });
  });

  it('markActive on a node being destroyed or gone answers a conflict as data, which unwrap turns back into a FlotillaError that is not retryable', async () => {
    const { nodeId, stub } = await readyNode();
    expect(unwrap(await stub.destroyUnused(nodeId, 'manual'))).toBe(true);
    const outcome = await stub.markActive(nodeId, 'tsk_late');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'conflict', status: 409, retryable: false, message: `node ${nodeId} is destroyed` } });
    expect(() => unwrap(outcome)).toThrow(FlotillaError);
    expect(await stub.getStatus()).toMatchObject({ status: 'destroyed', holderIds: [] });
  });

  it('reads a record stored before holders were named so (taskIds, claimedByTask)', async () => {
    const { nodeId, stub, object } = await readyNode();
    await runInDurableObject(object, (_obj, state) =>
      state.storage.put('lifecycle', { nodeId, status: 'active', taskIds: ['tsk_old'], claimedByTask: 'tsk_old', warmSince: null, warmUntil: null, lastError: null }),
    );
    expect(await stub.getStatus()).toMatchObject({ status: 'active', holderIds: ['tsk_old'], claimedBy: 'tsk_old' });
    expect(await stub.release('tsk_old')).toBe(0);
  });

  it('tryReserve gives an active node to more tasks only while it has room', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markActive(nodeId, 'tsk_1');
    expect(await stub.tryReserve('tsk_2', 1, 1)).toBe(false);
    expect(await stub.tryReserve('tsk_2', 2, 1)).toBe(true);
    expect(await stub.tryReserve('tsk_3', 2, 1)).toBe(false);
    expect(await stub.release('tsk_1')).toBe(1);
    expect((await stub.getStatus()).holderIds).toEqual(['tsk_2']);
  });

  it('markIdle leaves a node someone reserved after its last holder left active (it used to erase the reservation)', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markActive(nodeId, 'tsk_done');
    expect(await stub.release('tsk_done')).toBe(0);
    expect(await stub.tryReserve('tsk_new', 1, 0)).toBe(true);
    expect(await stub.markIdle(nodeId, HOUR_MS)).toMatchObject({ status: 'active', holderIds: ['tsk_new'] });
    expect(await alarmOf(nodeId)).toBeNull();
    expect((await row(nodeId)).status).toBe('ready');
  });

  it('releaseAndIdle drops the holder and, in the same step, makes the node warm only when nobody holds it', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markActive(nodeId, 'tsk_a');
    expect(await stub.tryReserve('tsk_b', 2, 1)).toBe(true);
    expect(await stub.releaseAndIdle(nodeId, 'tsk_a', HOUR_MS)).toMatchObject({ holdersLeft: 1, state: { status: 'active', holderIds: ['tsk_b'] } });
    const last = await stub.releaseAndIdle(nodeId, 'tsk_b', HOUR_MS);
    expect(last).toMatchObject({ holdersLeft: 0, state: { status: 'warm', holderIds: [] } });
    expect(await alarmOf(nodeId)).toBe(Date.parse(last.state.warmUntil ?? ''));
    expect((await row(nodeId)).status).toBe('warm');
  });

  it('the alarm on a warm node destroys it through its provider; D1 says destroyed', async () => {
    const { nodeId, stub } = await readyNode();
    await stub.markIdle(nodeId, HOUR_MS);
    expect(await runDurableObjectAlarm(nodeLifecycleObject(nodeId))).toBe(true);
    // The alarm was early for this node (an hour to go): it re-arms instead of destroying.
    expect((await stub.getStatus()).status).toBe('warm');
    await runInDurableObject(nodeLifecycleObject(nodeId), async (_obj, state) => {
      const record = await state.storage.get<Record<string, unknown>>('lifecycle');
      await state.storage.put('lifecycle', { ...record, warmUntil: Date.now() - 1 });
    });
    expect(await runDurableObjectAlarm(nodeLifecycleObject(nodeId))).toBe(true);
    expect(await stub.getStatus()).toMatchObject({ status: 'destroyed', lastError: null });
    expect(await deletesOf(nodeId)).toHaveLength(1);
    expect(await row(nodeId)).toEqual({ status: 'destroyed', warmSince: null });
    expect(await alarmOf(nodeId)).toBeNull();
  });

  it('a node claimed before its alarm fires is left alone by the alarm', async () => {
    const { nodeId, stub } = await readyNode();
    // Warm for a minute, so that no real alarm can come first on a busy machine; the alarm is forced below.
    await stub.markIdle(nodeId, 60_000);
    expect(await stub.tryClaim('tsk_claimer')).toBe(true);
    await runInDurableObject(nodeLifecycleObject(nodeId), (_obj, state) => state.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(nodeLifecycleObject(nodeId));
    expect((await stub.getStatus()).status).toBe('active');
    expect(await deletesOf(nodeId)).toEqual([]);
  });

  it('a failed deletion is retried on a new alarm a retry interval later; markIdle is then refused', async () => {
    const { nodeId, stub } = await readyNode();
    await standIn.rule({ method: 'DELETE', path: `^/cloud/nodes/${nodeId}$`, responses: [{ status: 500, body: { error: 'boom' } }] });
    const before = Date.now();
    await stub.markIdle(nodeId, 0);
    expect(await stub.getStatus()).toMatchObject({ status: 'destroying', lastError: expect.stringContaining('500') });
    expect(await alarmOf(nodeId)).toBeGreaterThanOrEqual(before + 200); // NODE_DESTROY_RETRY_MS in the test vars
    expect(await stub.tryClaim('tsk_too_late')).toBe(false);
    expect((await stub.markIdle(nodeId, HOUR_MS)).status).toBe('destroying');
    await eventually(async () => expect((await stub.getStatus()).status).toBe('destroyed'));
    expect(await deletesOf(nodeId)).toHaveLength(2);
    expect(await row(nodeId)).toEqual({ status: 'destroyed', warmSince: null });
  });
});

describe('the node sweep', () => {
  it('destroys a warm node past timeout plus grace whose alarm was lost, keeps a fresh one, and is idempotent', async () => {
    const stale = await readyNode();
    const fresh = await readyNode();
    await stale.stub.markIdle(stale.nodeId, HOUR_MS);
    await fresh.stub.markIdle(fresh.nodeId, HOUR_MS);
    await runInDurableObject(stale.object, (_obj, state) => state.storage.deleteAlarm());
    await env.DB.prepare('UPDATE nodes SET warm_since = ? WHERE id = ?').bind(new Date(Date.now() - 2 * HOUR_MS).toISOString(), stale.nodeId).run();

    const first = await sweepNodes();
    expect(first.destroyed).toContainEqual({ nodeId: stale.nodeId, reason: 'warm_timeout' });
    expect(first.destroyed.map((d) => d.nodeId)).not.toContain(fresh.nodeId);
    expect((await row(stale.nodeId)).status).toBe('destroyed');
    expect((await row(fresh.nodeId)).status).toBe('warm');
    const second = await sweepNodes();
    expect(second.destroyed.map((d) => d.nodeId)).not.toContain(stale.nodeId);
    expect(await deletesOf(stale.nodeId)).toHaveLength(1);
  });

  it('destroys a warm node running another daemon release than the one served, keeps a current one', async () => {
    const outdated = await readyNode();
    const current = await readyNode();
    await env.DB.prepare("UPDATE nodes SET daemon_version = '0.0.9' WHERE id = ?").bind(outdated.nodeId).run();
    await env.DB.prepare("UPDATE nodes SET daemon_version = '0.1.0' WHERE id = ?").bind(current.nodeId).run();
    await outdated.stub.markIdle(outdated.nodeId, HOUR_MS);
    await current.stub.markIdle(current.nodeId, HOUR_MS);

    const swept = await sweepNodes(Date.now(), '0.1.0');
    expect(swept.destroyed).toContainEqual({ nodeId: outdated.nodeId, reason: 'outdated_daemon' });
    expect(swept.destroyed.map((d) => d.nodeId)).not.toContain(current.nodeId);
    expect((await row(outdated.nodeId)).status).toBe('destroyed');
    expect((await row(current.nodeId)).status).toBe('warm');
    // Without a served release (no artifact), no node counts as outdated.
    const outdatedAgain = await readyNode();
    await env.DB.prepare("UPDATE nodes SET daemon_version = '0.0.9' WHERE id = ?").bind(outdatedAgain.nodeId).run();
    await outdatedAgain.stub.markIdle(outdatedAgain.nodeId, HOUR_MS);
    expect((await sweepNodes(Date.now(), null)).destroyed.map((d) => d.nodeId)).not.toContain(outdatedAgain.nodeId);
  });

  it('skips a stale warm node that still has a workspace, and goes on past a failure', async () => {
    const busy = await readyNode();
    const failing = await readyNode();
    const other = await readyNode();
    for (const n of [busy, failing, other]) {
      await n.stub.markIdle(n.nodeId, HOUR_MS);
      await env.DB.prepare('UPDATE nodes SET warm_since = ? WHERE id = ?').bind(new Date(Date.now() - 2 * HOUR_MS).toISOString(), n.nodeId).run();
    }
    const project = await createProject('sweep');
    await insertWorkspace(env.DB, { id: `ws_${crypto.randomUUID()}`, nodeId: busy.nodeId, projectId: project.id, taskId: 'tsk_none', chatSessionId: '', branch: 'b' });
    await standIn.rule({ method: 'DELETE', path: `^/cloud/nodes/${failing.nodeId}$`, responses: [{ status: 500 }] });
    const result = await sweepNodes();
    expect(result.failed.map((f) => f.nodeId)).toEqual([failing.nodeId]);
    expect(result.destroyed.map((d) => d.nodeId)).toContain(other.nodeId);
    expect(result.destroyed.map((d) => d.nodeId)).not.toContain(busy.nodeId);
  });

  it('destroys auto-provisioned nodes past the maximum lifetime that run no task, but not one a task holds', async () => {
    const idle = await readyNode();
    const held = await readyNode();
    await idle.stub.markActive(idle.nodeId);
    await held.stub.markActive(held.nodeId, 'tsk_holding');
    const old = new Date(Date.now() - 5 * HOUR_MS).toISOString();
    await env.DB.prepare('UPDATE nodes SET created_at = ? WHERE id IN (?, ?)').bind(old, idle.nodeId, held.nodeId).run();
    const result = await sweepNodes();
    expect(result.destroyed).toContainEqual({ nodeId: idle.nodeId, reason: 'max_lifetime' });
    expect(result.destroyed.map((d) => d.nodeId)).not.toContain(held.nodeId);
    expect((await row(held.nodeId)).status).toBe('ready');
  });
});
