/**
 * The local cloud and the `local` provider meet through the route table `localCloudApi`: the
 * provider's calls carry the shared secret and are answered and parsed; the cloud refuses a
 * caller without the secret (401) and a node id that is not one (400: it would name a directory
 * elsewhere), with the API's error shape; node processes start, are listed and stop; each node
 * gets an environment with nothing of the CLI's but what a node daemon needs, and keeps its port
 * across a restart. The "node daemon" here is a Node process that serves its own environment on
 * FLOTILLA_PORT — the local cloud does not care what it runs.
 */
import { createLocalProvider, ProviderError } from '@flotilla/providers';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../stack/ports.js';
import { startLocalCloud, type LocalCloud } from './local-cloud.js';

/** Serves its environment as JSON on 127.0.0.1:FLOTILLA_PORT until it is signalled. */
const ENV_DAEMON = [
  process.execPath,
  '-e',
  "require('node:http').createServer((q, r) => r.end(JSON.stringify(process.env))).listen(Number(process.env.FLOTILLA_PORT), '127.0.0.1')",
];
const SECRET = 'local-cloud-test-secret-0123456789abcdef';
/** Secrets of the CLI's environment that no node daemon may get. */
const CANARIES = {
  FLOTILLA_API_TOKEN: 'canary-api-token-5b1f0c',
  CLOUDFLARE_API_TOKEN: 'canary-cloudflare-7d3e91',
  AWS_SECRET_ACCESS_KEY: 'canary-aws-0a9c44',
  GIT_CONFIG_VALUE_0: 'canary-git-header-e2f8a1',
};
let dataDir = '';
let stateDir = '';
let cloud: LocalCloud;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flotilla-local-cloud-'));
  stateDir = mkdtempSync(join(tmpdir(), 'flotilla-local-cloud-state-'));
  cloud = await startLocalCloud({
    dataDir,
    daemonCommand: ENV_DAEMON,
    env: {
      inherited: {
        ...process.env,
        ...CANARIES,
        GIT_CONFIG_COUNT: '1',
        ANTHROPIC_API_KEY: 'agent-credential-for-agents-only',
        AGENT_ENV_PASSTHROUGH: 'HANDED_TO_AGENTS',
        HANDED_TO_AGENTS: 'yes',
        GIT_PUSH_TIMEOUT_MS: '1234',
        FLOTILLA_SANDBOX_HIDE: '/srv/private',
        FLOTILLA_NODE_ID: 'nod_from_the_cli_environment',
      },
      extra: { GIT_CONFIG_KEY_0: 'url.x.insteadOf' },
      hide: [stateDir],
    },
    secret: SECRET,
    stopGraceMs: 2_000,
  });
});
afterAll(async () => {
  await cloud?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

const node = { nodeId: 'nod_local1', controlPlaneUrl: 'http://127.0.0.1:8787', callbackToken: 'callback.jwt.token' };
const withSecret = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' };

/** The environment a node daemon process was started with, from /proc. */
function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** What the node daemon at `port` serves (its environment), once it listens. */
async function askDaemon(port: number): Promise<Record<string, string>> {
  for (;;) {
    try {
      return (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as Record<string, string>;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('the local cloud, called by the local provider', () => {
  it('starts a node process once, hands it its token in a file, and lists it', async () => {
    const provider = createLocalProvider({ cloudUrl: cloud.url, secret: SECRET });
    const created = await provider.createNode(node);
    expect(created).toMatchObject({ nodeId: node.nodeId, status: 'running' });
    expect(created.providerRef).toMatch(/^\d+$/);
    expect(await provider.createNode(node)).toEqual(created); // idempotent on the node id
    expect(readFileSync(join(dataDir, node.nodeId, 'callback-token'), 'utf8')).toBe(node.callbackToken);
    expect(await provider.getNode(node.nodeId)).toEqual(created);
    const listed = await fetch(`${cloud.url}/nodes`, { headers: withSecret }).then((r) => r.json());
    expect(listed).toEqual({ nodes: [{ nodeId: node.nodeId, status: 'running', pid: Number(created.providerRef), exitCode: null }] });
  });

  it("gives the node daemon only what it needs of the CLI's environment, and hides the CLI's state from its agents", async () => {
    const [described] = cloud.nodes();
    const env = environOf(described?.pid ?? 0);
    for (const canary of Object.values(CANARIES)) expect(Object.values(env).join('\n')).not.toContain(canary);
    expect(Object.keys(env)).not.toContain('GIT_CONFIG_COUNT');
    expect(env).toMatchObject({
      PATH: process.env.PATH,
      ANTHROPIC_API_KEY: 'agent-credential-for-agents-only',
      AGENT_ENV_PASSTHROUGH: 'HANDED_TO_AGENTS',
      HANDED_TO_AGENTS: 'yes',
      GIT_PUSH_TIMEOUT_MS: '1234',
      GIT_CONFIG_KEY_0: 'url.x.insteadOf', // given on purpose (`extra`)
      FLOTILLA_SANDBOX_HIDE: `/srv/private,${stateDir}`,
      FLOTILLA_NODE_ID: node.nodeId,
      FLOTILLA_CONTROL_PLANE_URL: node.controlPlaneUrl,
      FLOTILLA_CALLBACK_TOKEN_FILE: join(dataDir, node.nodeId, 'callback-token'),
      FLOTILLA_DATA_DIR: join(dataDir, node.nodeId, 'data'),
      FLOTILLA_HOST: '127.0.0.1',
      FLOTILLA_PORT: expect.stringMatching(/^\d+$/),
    });
  });

  it('restarts a node on the port it was created with, so it keeps its address', async () => {
    const before = environOf(cloud.nodes()[0]?.pid ?? 0).FLOTILLA_PORT ?? '';
    expect((await askDaemon(Number(before))).FLOTILLA_NODE_ID).toBe(node.nodeId);
    await cloud.killNode(node.nodeId);
    await cloud.restartNode(node.nodeId);
    const restarted = cloud.nodes()[0];
    expect(restarted?.status).toBe('running');
    expect(environOf(restarted?.pid ?? 0).FLOTILLA_PORT).toBe(before);
    expect((await askDaemon(Number(before))).FLOTILLA_NODE_ID).toBe(node.nodeId);
  });

  it('refuses a caller without the secret, or with another one (401), before doing anything', async () => {
    const provider = createLocalProvider({ cloudUrl: cloud.url, secret: 'not-the-secret-of-this-local-cloud-000' });
    const refused = await provider.createNode({ ...node, nodeId: 'nod_intruder' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ retryable: false, status: 401, code: 'unauthorized' });
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer ' }, { authorization: `Basic ${SECRET}` }, { authorization: `Bearer ${SECRET}x` }]) {
      const answer = await fetch(`${cloud.url}/nodes/${node.nodeId}`, { method: 'DELETE', headers });
      expect(answer.status).toBe(401);
      const body = (await answer.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).not.toContain(SECRET);
    }
    expect(cloud.nodes().map((n) => [n.nodeId, n.status])).toEqual([[node.nodeId, 'running']]);
    expect(existsSync(join(dataDir, 'nod_intruder'))).toBe(false);
  });

  it('refuses node ids that are not ones — in a body or a path — in the API error shape, creating nothing', async () => {
    for (const nodeId of ['../escaped', 'nod_../../escaped', 'nod_a/b', 'x', 'NOD_ABC', 'nod_', `nod_${'a'.repeat(65)}`]) {
      const refused = await fetch(`${cloud.url}/nodes`, { method: 'POST', headers: withSecret, body: JSON.stringify({ ...node, nodeId }) });
      expect(refused.status, nodeId).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'bad_request' } });
    }
    for (const path of ['..%2Fescaped', 'nod_x%2F..%2F..', 'NOD_X']) {
      const refused = await fetch(`${cloud.url}/nodes/${path}`, { headers: withSecret });
      expect(refused.status, path).toBe(400);
    }
    expect(readdirSync(dataDir)).toEqual([node.nodeId]);
    expect(existsSync(join(dataDir, '..', 'escaped'))).toBe(false);
    const unknown = await fetch(`${cloud.url}/nodes/nod_nobody`, { headers: withSecret });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'node nod_nobody not found' } });
  });

  it('deletes a node by stopping its process; unknown nodes are gone already', async () => {
    const provider = createLocalProvider({ cloudUrl: cloud.url, secret: SECRET });
    await provider.deleteNode(node.nodeId);
    expect(await provider.getNode(node.nodeId)).toBeNull();
    await provider.deleteNode(node.nodeId); // idempotent
    expect(cloud.nodes()).toEqual([]);
  });

  it('a local cloud that does not answer is a retryable provider failure', async () => {
    const provider = createLocalProvider({ cloudUrl: `http://127.0.0.1:${await freePort()}`, secret: SECRET, requestTimeoutMs: 5_000 });
    const error = await provider.getNode('nod_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true, code: 'unreachable' });
    expect((error as Error).message).toMatch(/^local cloud at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });

  it('will not start with a secret too short to be one', async () => {
    await expect(startLocalCloud({ dataDir, daemonCommand: ENV_DAEMON, env: { inherited: {} }, secret: 'short' })).rejects.toThrow(/at least 32 characters/);
  });
});
