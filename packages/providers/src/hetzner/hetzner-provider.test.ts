/**
 * The Hetzner provider against the fake Hetzner API (testkit), which follows the shapes of
 * Hetzner's published API reference and records every request.
 */
import { buildNodeUserData } from '@flotilla/cloud-init';
import { startFakeHetzner, type FakeHetzner } from '@flotilla/testkit/fake-hetzner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider.js';
import { retryDelayMs } from './hetzner-api.js';
import { createHetznerProvider, serverNameFor } from './hetzner-provider.js';

const TOKEN = 'test-hetzner-token';
const DEPLOYMENT = '6f1c2e0a-9b7d-4c3e-8a15-2d4b6c8e0f13';
let fake: FakeHetzner;
const waits: number[] = [];

beforeEach(async () => {
  fake = await startFakeHetzner({ tokens: [TOKEN] });
  waits.length = 0;
});
afterEach(async () => {
  await fake.close();
});

function provider(overrides: Partial<Parameters<typeof createHetznerProvider>[0]> = {}) {
  return createHetznerProvider({
    token: TOKEN,
    deploymentId: DEPLOYMENT,
    baseUrl: fake.url,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  });
}

const userData = (nodeId: string) =>
  buildNodeUserData({ nodeId, controlPlaneUrl: 'https://cp.example', callbackToken: 'tok.en.jwt', daemon: { url: 'https://cp.example/d.mjs', version: '0.1.0', sha256: 'b'.repeat(64), lockfile: { url: 'https://cp.example/lock.json', sha256: 'c'.repeat(64) }, dependencies: {} } });

describe('Hetzner provider', () => {
  it('creates a server with the server type of the size, image, location, labels and user-data', async () => {
    const hetzner = provider({ serverTypes: { small: 'cx22', medium: 'cx32', large: 'cx42' }, image: 'debian-12', location: 'nbg1' });
    const node = await hetzner.createNode({ nodeId: 'nod_01ABC', controlPlaneUrl: 'https://cp.example', callbackToken: 'tok.en.jwt', size: 'medium', userData: userData('nod_01ABC') });
    expect(node).toMatchObject({ nodeId: 'nod_01ABC', status: 'stopped', providerRef: expect.stringMatching(/^\d+$/) });
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers');
    expect(create?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(create?.body).toEqual({
      name: 'flotilla-nod-01abc',
      server_type: 'cx32',
      image: 'debian-12',
      location: 'nbg1',
      user_data: userData('nod_01ABC'),
      labels: { 'managed-by': 'flotilla', 'flotilla-deployment': DEPLOYMENT, 'flotilla-node-id': 'nod_01ABC' },
      start_after_create: true,
    });
    // Idempotent on the node id: a second create finds the server by label and creates nothing.
    await hetzner.createNode({ nodeId: 'nod_01ABC', controlPlaneUrl: 'https://cp.example', callbackToken: 'tok.en.jwt', size: 'medium', userData: userData('nod_01ABC') });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(fake.servers()).toHaveLength(1);
  });

  it('gets a node by its label, lists servers by label, and deletes idempotently (a server that is gone counts as deleted)', async () => {
    const hetzner = provider();
    await hetzner.createNode({ nodeId: 'nod_a', controlPlaneUrl: 'https://cp.example', callbackToken: 't', userData: userData('nod_a') });
    await hetzner.createNode({ nodeId: 'nod_b', controlPlaneUrl: 'https://cp.example', callbackToken: 't', size: 'large', userData: userData('nod_b') });
    expect((await hetzner.getNode('nod_a'))?.nodeId).toBe('nod_a');
    expect((await hetzner.listServers('managed-by=flotilla')).map((s) => s.labels['flotilla-node-id']).sort()).toEqual(['nod_a', 'nod_b']);
    expect(fake.servers().find((s) => s.labels['flotilla-node-id'] === 'nod_b')?.server_type.name).toBe('cx42');

    await hetzner.deleteNode('nod_a');
    expect(await hetzner.getNode('nod_a')).toBeNull();
    await hetzner.deleteNode('nod_a'); // already gone
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    // Hetzner answering 404 to the DELETE itself (deleted meanwhile) also counts as deleted.
    fake.failNext(1, { method: 'DELETE', status: 404, code: 'not_found' });
    await hetzner.deleteNode('nod_b');
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
  });

  it("sees only its own deployment's servers: another deployment's in the same project is neither found, listed nor deleted", async () => {
    const ours = provider();
    const theirs = provider({ deploymentId: 'other-deployment' });
    await ours.createNode({ nodeId: 'nod_ours', controlPlaneUrl: 'https://cp.example', callbackToken: 't', userData: userData('nod_ours') });
    await theirs.createNode({ nodeId: 'nod_theirs', controlPlaneUrl: 'https://cp.example', callbackToken: 't', userData: userData('nod_theirs') });
    expect((await ours.listNodes?.())?.map((n) => n.nodeId)).toEqual(['nod_ours']);
    expect((await theirs.listNodes?.())?.map((n) => n.nodeId)).toEqual(['nod_theirs']);
    expect(await ours.getNode('nod_theirs')).toBeNull();
    await ours.deleteNode('nod_theirs');
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/servers').map((r) => r.query.label_selector)).toContain(`managed-by=flotilla,flotilla-deployment=${DEPLOYMENT}`);
    expect(fake.servers().find((s) => s.labels['flotilla-node-id'] === 'nod_theirs')?.labels).toEqual({ 'managed-by': 'flotilla', 'flotilla-deployment': 'other-deployment', 'flotilla-node-id': 'nod_theirs' });
    expect(() => provider({ deploymentId: 'not a label!' })).toThrow(ProviderError);
  });

  it('retries a 429 as retryable, waiting as the rate-limit headers say, then succeeds', async () => {
    const hetzner = provider();
    fake.failNext(2, { method: 'POST', status: 429, code: 'rate_limit_exceeded', message: 'limit of 3600 requests per hour reached', headers: { 'Retry-After': '2' } });
    await hetzner.createNode({ nodeId: 'nod_rl', controlPlaneUrl: 'https://cp.example', callbackToken: 't', userData: userData('nod_rl') });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    expect(waits).toEqual([2000, 2000]);
    expect(fake.servers()).toHaveLength(1);
  });

  it('gives up on a 429 that persists with a retryable error, and retries 5xx too', async () => {
    const hetzner = provider({ maxAttempts: 2 });
    fake.failNext(2, { method: 'GET', status: 429, code: 'rate_limit_exceeded' });
    const error = await hetzner.getNode('nod_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true, status: 429, message: expect.stringContaining('rate limit') });
    fake.failNext(1, { method: 'GET', status: 503, code: 'unavailable' });
    expect(await provider().getNode('nod_x')).toBeNull();
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(4); // 2 × 429, then 503 and its retry
  });

  it('maps errors to clear, permanent messages; validates tokens', async () => {
    const bad = provider({ token: 'wrong-token' });
    expect(await bad.validateToken()).toBe(false);
    expect(await provider().validateToken()).toBe(true);
    const error = await bad.createNode({ nodeId: 'nod_y', controlPlaneUrl: 'https://cp.example', callbackToken: 't', userData: userData('nod_y') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, status: 401, message: expect.stringContaining('token is invalid or revoked') });
    fake.failNext(1, { method: 'POST', status: 403, code: 'resource_limit_exceeded', message: 'server limit reached' });
    const limited = await provider().createNode({ nodeId: 'nod_z', controlPlaneUrl: 'https://cp.example', callbackToken: 't', userData: userData('nod_z') }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ retryable: false, message: expect.stringContaining('resource limit') });
  });

  it('refuses a size without a server type, and user-data over 32 KiB, before calling Hetzner', async () => {
    const hetzner = provider({ serverTypes: { small: 'cx22' } });
    await expect(hetzner.createNode({ nodeId: 'n1', controlPlaneUrl: 'u', callbackToken: 't', size: 'large', userData: 'x' })).rejects.toThrow(/no Hetzner server type/);
    await expect(hetzner.createNode({ nodeId: 'n1', controlPlaneUrl: 'u', callbackToken: 't', userData: 'x'.repeat(33_000) })).rejects.toThrow(/at most 32768/);
    expect(fake.requests).toEqual([]);
  });

  it('derives valid server names, and the wait from RateLimit-Reset when there is no Retry-After', () => {
    expect(serverNameFor('nod_01JABC_Def')).toBe('flotilla-nod-01jabc-def');
    const now = 1_700_000_000_000;
    const headers = new Headers({ 'RateLimit-Limit': '3600', 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(now / 1000 + 3600) });
    expect(retryDelayMs(headers, 1, 10_000, now)).toBe(1000); // one request refills per second
    expect(retryDelayMs(new Headers(), 3, 10_000, now, 0)).toBe(2000); // kit backoff: 500 ms × 2², jitter 0
  });
});
