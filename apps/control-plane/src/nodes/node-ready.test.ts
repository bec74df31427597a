/**
 * The node daemon's ready callback (`POST /api/nodes/:nodeId/ready`, callbacks.routes.ts) under
 * issue 12: a ready or warm node's URL cannot be changed by a re-announce (the control plane
 * would send the next task's credentials there) — 409, nothing changed — while the same URL
 * again (a restarted daemon) is fine and keeps a warm node warm; a node being destroyed or gone
 * is never revived.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { getNode, insertNode, markNodeReady, setNodeStatus } from './repository.js';
import { api, callbackToken, expectJson, nodeLifecycle } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string } };

const URL_A = 'http://127.0.0.1:7001';
const URL_B = 'http://127.0.0.1:7002';

/** A node in `provisioning`, and its node token. */
async function provisioningNode() {
  const nodeId = `nod_${crypto.randomUUID()}`;
  await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
  return { nodeId, token: await callbackToken(nodeId) };
}

const ready = (nodeId: string, token: string, url: string, daemonVersion = '1.0.0') =>
  api(`/api/nodes/${nodeId}/ready`, { method: 'POST', body: { url, daemonVersion, sandbox: 'bubblewrap' }, token });

describe('POST /api/nodes/:nodeId/ready', () => {
  it('makes a provisioning node ready at its URL', async () => {
    const { nodeId, token } = await provisioningNode();
    await expectJson(await ready(nodeId, token, URL_A), 200);
    expect(await getNode(env.DB, nodeId)).toMatchObject({ status: 'ready', url: URL_A, daemon_version: '1.0.0', sandbox: 'bubblewrap' });
  });

  it('refuses another URL for a ready node with 409 and changes nothing; the same URL again is fine', async () => {
    const { nodeId, token } = await provisioningNode();
    await expectJson(await ready(nodeId, token, URL_A), 200);
    const before = await getNode(env.DB, nodeId);
    const refused = await expectJson<ErrorJson>(await ready(nodeId, token, URL_B, '6.6.6'), 409);
    expect(refused.error).toEqual({ code: 'conflict', message: expect.stringContaining(`a ready node's URL cannot change (announced ${URL_B})`) });
    expect(await getNode(env.DB, nodeId)).toEqual(before);
    // A restarted daemon at the same address: accepted, with its (new) version.
    await expectJson(await ready(nodeId, token, URL_A, '1.0.1'), 200);
    expect(await getNode(env.DB, nodeId)).toMatchObject({ status: 'ready', url: URL_A, daemon_version: '1.0.1' });
  });

  it('keeps a warm node warm when its daemon announces itself again, and refuses another URL for it', async () => {
    const { nodeId, token } = await provisioningNode();
    await expectJson(await ready(nodeId, token, URL_A), 200);
    await nodeLifecycle(nodeId).markIdle(nodeId, 60 * 60 * 1000);
    expect((await getNode(env.DB, nodeId))?.status).toBe('warm');
    await expectJson(await ready(nodeId, token, URL_A), 200);
    expect(await getNode(env.DB, nodeId)).toMatchObject({ status: 'warm', url: URL_A });
    await expectJson(await ready(nodeId, token, URL_B), 409);
    expect(await getNode(env.DB, nodeId)).toMatchObject({ status: 'warm', url: URL_A });
  });

  it.each(['destroying', 'destroyed'] as const)('does not revive a %s node (409)', async (status) => {
    const { nodeId, token } = await provisioningNode();
    await expectJson(await ready(nodeId, token, URL_A), 200);
    await setNodeStatus(env.DB, nodeId, status);
    const refused = await expectJson<ErrorJson>(await ready(nodeId, token, URL_A), 409);
    expect(refused.error.message).toBe(`node ${nodeId} is ${status}: it cannot become ready again`);
    expect((await getNode(env.DB, nodeId))?.status).toBe(status);
  });

  it('markNodeReady itself answers what it did: the status after, or null when it changed nothing', async () => {
    const { nodeId } = await provisioningNode();
    expect(await markNodeReady(env.DB, nodeId, URL_A, '1', 'none')).toBe('ready');
    expect(await markNodeReady(env.DB, nodeId, URL_B, '1', 'none')).toBeNull();
    await setNodeStatus(env.DB, nodeId, 'destroyed');
    expect(await markNodeReady(env.DB, nodeId, URL_A, '1', 'none')).toBeNull();
    expect(await markNodeReady(env.DB, 'nod_nobody', URL_A, '1', 'none')).toBeNull();
  });
});
