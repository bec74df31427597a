/**
 * The local cloud and the `local` provider meet through the route table `localCloudApi`: the
 * provider's calls are answered and parsed, the cloud refuses what the table refuses with the
 * API's error shape, and node processes start, are listed and stop. The "node daemon" here is a
 * Node process that idles until it is signalled — the local cloud does not care what it runs.
 */
import { createLocalProvider, ProviderError } from '@flotilla/providers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../stack/ports.js';
import { startLocalCloud, type LocalCloud } from './local-cloud.js';

const IDLE_DAEMON = [process.execPath, '-e', 'setInterval(() => {}, 60_000)'];
let dataDir = '';
let cloud: LocalCloud;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flotilla-local-cloud-'));
  cloud = await startLocalCloud({ dataDir, daemonCommand: IDLE_DAEMON, env: { PATH: process.env.PATH ?? '' }, stopGraceMs: 2_000 });
});
afterAll(async () => {
  await cloud?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const node = { nodeId: 'nod_local_1', controlPlaneUrl: 'http://127.0.0.1:8787', callbackToken: 'callback.jwt.token' };

describe('the local cloud, called by the local provider', () => {
  it('starts a node process once, hands it its token in a file, and lists it', async () => {
    const provider = createLocalProvider({ cloudUrl: cloud.url });
    const created = await provider.createNode(node);
    expect(created).toMatchObject({ nodeId: node.nodeId, status: 'running' });
    expect(created.providerRef).toMatch(/^\d+$/);
    expect(await provider.createNode(node)).toEqual(created); // idempotent on the node id
    expect(readFileSync(join(dataDir, node.nodeId, 'callback-token'), 'utf8')).toBe(node.callbackToken);
    expect(await provider.getNode(node.nodeId)).toEqual(created);
    const listed = await fetch(`${cloud.url}/nodes`).then((r) => r.json());
    expect(listed).toEqual({ nodes: [{ nodeId: node.nodeId, status: 'running', pid: Number(created.providerRef), exitCode: null }] });
  });

  it('refuses a request the route table refuses, in the API error shape', async () => {
    const refused = await fetch(`${cloud.url}/nodes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodeId: 'x' }) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'bad_request' } });
    const unknown = await fetch(`${cloud.url}/nodes/nod_nobody`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'node nod_nobody not found' } });
  });

  it('deletes a node by stopping its process; unknown nodes are gone already', async () => {
    const provider = createLocalProvider({ cloudUrl: cloud.url });
    await provider.deleteNode(node.nodeId);
    expect(await provider.getNode(node.nodeId)).toBeNull();
    await provider.deleteNode(node.nodeId); // idempotent
    expect(cloud.nodes()).toEqual([]);
  });

  it('a local cloud that does not answer is a retryable provider failure', async () => {
    const provider = createLocalProvider({ cloudUrl: `http://127.0.0.1:${await freePort()}`, requestTimeoutMs: 5_000 });
    const error = await provider.getNode('nod_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true, code: 'unreachable' });
    expect((error as Error).message).toMatch(/^local cloud at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });
});
