/**
 * Node selection (issue 6, item 2; spec T042's scenarios) against real D1 and NodeLifecycle
 * objects: a warm node that fits is claimed first; one that does not fit (size, provider, user)
 * is left alone (nor one running another daemon release); a running node is shared only while it
 * has room; otherwise a new node is registered, held by the task.
 */
import { createLogger } from '@flotilla/kit';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deps, nodeLifecycle } from '../../test/helpers.js';
import { getNode, insertNode, markNodeReady } from './repository.js';
import { effectiveVmSize, selectNode, type NodeRequirements } from './selection.js';

const HOUR_MS = 60 * 60 * 1000;
const log = createLogger('test');
/** Each test its own user, so nodes of other tests never fit. */
const requirements = (overrides: Partial<NodeRequirements> = {}): NodeRequirements => ({
  holderId: `tsk_${crypto.randomUUID()}`,
  userId: `usr_${crypto.randomUUID()}`,
  provider: 'local',
  size: 'small',
  ...overrides,
});

async function warmNode(userId: string, size: string) {
  const nodeId = `nod_${crypto.randomUUID()}`;
  await insertNode(env.DB, { id: nodeId, provider: 'local', size, userId });
  await markNodeReady(env.DB, nodeId, 'http://127.0.0.1:9/unused', 'test', 'none');
  await nodeLifecycle(nodeId).markIdle(nodeId, HOUR_MS);
  return nodeId;
}

describe('selectNode', () => {
  it('claims a warm node of the same user, size and provider before anything else', async () => {
    const req = requirements();
    const nodeId = await warmNode(req.userId, 'small');
    expect(await selectNode(deps(), req, 'nod_unused', log)).toEqual({ kind: 'warm', nodeId });
    expect((await getNode(env.DB, nodeId))?.status).toBe('ready');
    expect(await nodeLifecycle(nodeId).getStatus()).toMatchObject({ status: 'active', holderIds: [req.holderId] });
    expect(await getNode(env.DB, 'nod_unused')).toBeNull();
  });

  it('leaves warm nodes that do not fit, and registers a new node held by the task', async () => {
    const req = requirements({ size: 'large' });
    const small = await warmNode(req.userId, 'small');
    const othersLarge = await warmNode(`usr_${crypto.randomUUID()}`, 'large');
    const newId = `nod_${crypto.randomUUID()}`;
    expect(await selectNode(deps(), req, newId, log)).toEqual({ kind: 'new', nodeId: newId });
    expect(await getNode(env.DB, newId)).toMatchObject({ status: 'provisioning', provider: 'local', size: 'large', machine_type: 'local-large', user_id: req.userId, location: null });
    expect(await nodeLifecycle(newId).getStatus()).toMatchObject({ status: 'active', holderIds: [req.holderId] });
    for (const id of [small, othersLarge]) expect((await getNode(env.DB, id))?.status).toBe('warm');
  });

  it('does not share a running node when it has no room (NODE_MAX_WORKSPACES = 1), and is repeatable for the same task', async () => {
    const first = requirements();
    const nodeId = await warmNode(first.userId, 'small');
    await selectNode(deps(), first, 'nod_a', log);
    const second = { ...first, holderId: `tsk_${crypto.randomUUID()}` };
    const newId = `nod_${crypto.randomUUID()}`;
    expect(await selectNode(deps(), second, newId, log)).toEqual({ kind: 'new', nodeId: newId });
    // The first task selecting again (a retried step) keeps its node.
    expect(await selectNode(deps(), first, 'nod_b', log)).toEqual({ kind: 'capacity', nodeId });
  });

  it('skips a warm node that stopped sending heartbeats', async () => {
    const req = requirements();
    const silent = await warmNode(req.userId, 'small');
    await env.DB.prepare('UPDATE nodes SET last_heartbeat_at = ? WHERE id = ?').bind(new Date(Date.now() - HOUR_MS).toISOString(), silent).run();
    const newId = `nod_${crypto.randomUUID()}`;
    expect(await selectNode(deps(), req, newId, log)).toEqual({ kind: 'new', nodeId: newId });
    expect((await nodeLifecycle(silent).getStatus()).status).toBe('warm');
  });

  it('reuses only nodes running the daemon release served now', async () => {
    const req = requirements({ daemonVersion: '0.2.0' });
    const old = await warmNode(req.userId, 'small');
    await env.DB.prepare("UPDATE nodes SET daemon_version = '0.1.0' WHERE id = ?").bind(old).run();
    const newId = `nod_${crypto.randomUUID()}`;
    expect(await selectNode(deps(), req, newId, log)).toEqual({ kind: 'new', nodeId: newId });
    expect((await nodeLifecycle(old).getStatus()).status).toBe('warm');
    const current = await warmNode(req.userId, 'small');
    await env.DB.prepare("UPDATE nodes SET daemon_version = '0.2.0' WHERE id = ?").bind(current).run();
    const next = { ...req, holderId: `tsk_${crypto.randomUUID()}` };
    expect(await selectNode(deps(), next, 'nod_unused_2', log)).toEqual({ kind: 'warm', nodeId: current });
  });

  it('refuses a new node whose lifecycle is already destroyed with a conflict that is not retryable', async () => {
    const req = requirements();
    const doomed = `nod_${crypto.randomUUID()}`;
    await nodeLifecycle(doomed).destroyUnused(doomed, 'manual');
    await expect(selectNode(deps(), req, doomed, log)).rejects.toMatchObject({ name: 'FlotillaError', code: 'conflict', retryable: false, message: `node ${doomed} is destroyed` });
  });

  it('precedence of VM sizes: task, then project, then small', () => {
    expect(effectiveVmSize('large', 'medium')).toBe('large');
    expect(effectiveVmSize(null, 'medium')).toBe('medium');
    expect(effectiveVmSize(null, null)).toBe('small');
  });
});
