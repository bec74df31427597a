/**
 * Node DNS names against the fake Cloudflare API (testkit), which follows the shapes of
 * Cloudflare's API v4 reference and records every request.
 */
import { startFakeCloudflare, type FakeCloudflare } from '@flotilla/testkit/fake-cloudflare';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../provider.js';
import { createCloudflareNodeDns, nodeHostLabel, type NodeDnsOptions } from './cloudflare-dns.js';

const TOKEN = 'test-cloudflare-token';
let fake: FakeCloudflare;
const waits: number[] = [];

beforeEach(async () => {
  fake = await startFakeCloudflare({ tokens: [TOKEN], zoneName: 'example.com' });
  waits.length = 0;
});
afterEach(async () => {
  await fake.close();
});

function dns(overrides: Partial<NodeDnsOptions> = {}) {
  return createCloudflareNodeDns({
    token: TOKEN,
    zoneId: fake.zoneId,
    domain: 'nodes.example.com',
    baseUrl: fake.url,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  });
}

describe('Cloudflare node DNS', () => {
  it('creates a proxied A record <node>.<domain> with automatic TTL and the flotilla comment', async () => {
    const record = await dns().upsertNodeRecord('nod_01JABC', '203.0.113.7');
    expect(record).toMatchObject({ nodeId: 'nod_01JABC', hostname: 'nod-01jabc.nodes.example.com', ipv4: '203.0.113.7', proxied: true });
    const create = fake.requests.find((r) => r.method === 'POST');
    expect(create).toMatchObject({ path: `/client/v4/zones/${fake.zoneId}/dns_records`, authorization: `Bearer ${TOKEN}` });
    expect(create?.body).toEqual({ type: 'A', name: 'nod-01jabc.nodes.example.com', content: '203.0.113.7', ttl: 1, proxied: true, comment: 'managed-by=flotilla node=nod_01JABC' });
    expect(fake.records()).toHaveLength(1);
  });

  it('is idempotent: the same address changes nothing, a new one overwrites the record', async () => {
    const client = dns();
    await client.upsertNodeRecord('nod_1', '203.0.113.7');
    await client.upsertNodeRecord('nod_1', '203.0.113.7');
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST']);
    await client.upsertNodeRecord('nod_1', '203.0.113.9');
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST', 'PUT']);
    expect(fake.records().map((r) => r.content)).toEqual(['203.0.113.9']);
  });

  it('a DNS-only record when proxying is off', async () => {
    await dns({ proxied: false }).upsertNodeRecord('nod_2', '203.0.113.8');
    expect(fake.records()[0]).toMatchObject({ proxied: false });
  });

  it('deleting is idempotent, and lists only the records Flotilla made', async () => {
    const client = dns();
    await client.upsertNodeRecord('nod_a', '203.0.113.1');
    await client.upsertNodeRecord('nod_b', '203.0.113.2');
    fake.addRecord({ name: 'www.example.com', content: '198.51.100.1', comment: 'the website' });
    expect((await client.listNodeRecords()).map((r) => r.nodeId).sort()).toEqual(['nod_a', 'nod_b']);
    await client.deleteNodeRecord('nod_a');
    await client.deleteNodeRecord('nod_a');
    expect(fake.records().map((r) => r.name).sort()).toEqual(['nod-b.nodes.example.com', 'www.example.com']);
  });

  it('retries a 429 as retryable, honouring Retry-After', async () => {
    fake.failNext(1, { method: 'POST', status: 429, code: 971, message: 'Please wait and consider throttling your request speed', headers: { 'Retry-After': '2' } });
    await dns().upsertNodeRecord('nod_3', '203.0.113.3');
    expect(waits).toEqual([2000]);
    expect(fake.records()).toHaveLength(1);
  });

  it('says what to fix for a refused token or an unknown zone, without retrying', async () => {
    const refused = await dns({ token: 'wrong' })
      .upsertNodeRecord('nod_4', '203.0.113.4')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).retryable).toBe(false);
    expect((refused as Error).message).toMatch(/CLOUDFLARE_API_TOKEN.*Zone · DNS · Edit/);
    expect((refused as Error).message).not.toContain('wrong');
    const unknownZone = await dns({ zoneId: 'f'.repeat(32) })
      .listNodeRecords()
      .catch((e: unknown) => e);
    expect((unknownZone as Error).message).toMatch(/NODE_DNS_ZONE_ID/);
    expect(waits).toEqual([]);
  });

  it('refuses a zone id or domain that cannot be right, and makes node ids valid labels', () => {
    expect(() => dns({ zoneId: 'example.com' })).toThrow(/32 hex/);
    expect(() => dns({ domain: 'not a domain' })).toThrow(/NODE_DNS_DOMAIN/);
    expect(nodeHostLabel('NOD_01J_X')).toBe('nod-01j-x');
    expect(nodeHostLabel('n'.repeat(80))).toHaveLength(63);
  });
});
