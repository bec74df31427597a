/**
 * Capability (issue 6, items 6–8): a task on the Hetzner provider, against the fake Hetzner API
 * (testkit) on the real stack. Without a saved token the task fails at once saying what to
 * configure; a refused token is not saved; a valid one is saved and never shown again. The task's
 * create request carries the server type of its size, the image, location, labels and user-data
 * that passes `cloud-init schema` and holds no credential but the node's own callback token; a
 * 429 on the way is retried. "Booting" the server the way its user-data says (the local cloud
 * starts a node daemon with the settings read from it), the task completes on that node; the
 * node sweep then deletes the server through Hetzner.
 */
import { startFakeHetzner, type FakeHetzner } from '@flotilla/testkit/fake-hetzner';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchNode, sweepNodesNow, waitForNodeStatus } from './nodes-support.js';

const TOKEN = 'hcloud-test-token-4f7a9c1e';
let fake: FakeHetzner;
let stack: TestStack;

beforeAll(async () => {
  fake = await startFakeHetzner({ tokens: [TOKEN] });
  stack = await bootTestStack({
    vars: { HETZNER_API_URL: fake.url, HETZNER_LOCATION: 'nbg1', CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), MAX_AUTO_NODE_LIFETIME_MS: '1' },
  });
});

afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

const putToken = (token: string) =>
  fetch(`${stack.url}/api/credentials/cloud/hetzner`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

/** The settings cloud-init would hand the daemon, read back from the user-data. */
function daemonSettingsFrom(userData: string) {
  const config = parse(userData) as { write_files: Array<{ path: string; content: string }> };
  const file = (path: string) => config.write_files.find((f) => f.path === path)?.content ?? '';
  const env = Object.fromEntries(
    file('/etc/flotilla/node.env')
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  return { env, callbackToken: file('/etc/flotilla/callback-token').trim() };
}

function cloudInitSchema(userData: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'flotilla-hetzner-')), 'user-data.yaml');
  writeFileSync(file, userData);
  const result = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
  if (result.error) throw new Error(`cloud-init is not installed (apt-get install -y cloud-init): ${result.error.message}`);
  return `${result.status} ${result.stdout}${result.stderr}`;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the Hetzner provider, on the real stack against the fake Hetzner API', () => {
  let projectId = '';

  it('a task on Hetzner without a saved token fails at once, saying what to configure', async () => {
    const project = await stack.client.createProject({ name: 'cloud', repoUrl: createGitRepo({ 'README.md': '# cloud\n' }), defaultBranch: 'main', defaultProvider: 'hetzner' });
    projectId = project.id;
    const created = await stack.client.createTask(project.id, { description: 'say: hello', agentType: 'scripted', run: true });
    const task = await waitForTask(stack.client, created.id, 30_000);
    expect(task.status).toBe('failed');
    expect(task.error).toContain('PUT /api/credentials/cloud/hetzner');
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('a token Hetzner refuses is not saved; a valid one is saved, checked first, and only ever shown masked', async () => {
    const refused = await putToken('not-a-valid-token-123');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/hetzner refused this token/);
    expect(await (await fetch(`${stack.url}/api/credentials`)).json()).toEqual({ credentials: [] });

    const saved = await putToken(TOKEN);
    const text = await saved.text();
    expect(saved.status).toBe(200);
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text)).toMatchObject({ kind: 'cloud', name: 'hetzner', masked: '••••9c1e' });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/servers', authorization: `Bearer ${TOKEN}` });
    const listed = await (await fetch(`${stack.url}/api/credentials`)).text();
    expect(listed).not.toContain(TOKEN);
    expect(JSON.parse(listed)).toEqual({ credentials: [expect.objectContaining({ name: 'hetzner', masked: '••••9c1e' })] });
    expect((await fetch(`${stack.url}/api/credentials/cloud/nowhere`, { method: 'PUT', body: '{}' })).status).toBe(400);
  });

  it('provisions a server with the right request (retrying a 429), and the task completes on it once it boots', async () => {
    fake.failNext(1, { method: 'POST', path: '^/v1/servers$', status: 429, code: 'rate_limit_exceeded', message: 'limit reached', headers: { 'Retry-After': '1' } });
    const created = await stack.client.createTask(projectId, { description: 'write CLOUD.md: made on hetzner\nsay: done', agentType: 'scripted', run: true, vmSize: 'medium' });
    const create = await waitFor('the create request', () => fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers' && fake.servers().length > 0));
    const nodeId = (await stack.client.getTask(created.id)).nodeId ?? '';
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/servers')).toHaveLength(2); // the 429, then the retry
    const body = create.body as Record<string, unknown>;
    expect(create.authorization).toBe(`Bearer ${TOKEN}`);
    expect(body).toMatchObject({
      name: `flotilla-${nodeId.toLowerCase().replace(/_/g, '-')}`,
      server_type: 'cx32',
      image: 'debian-12',
      location: 'nbg1',
      labels: { 'managed-by': 'flotilla', 'flotilla-node-id': nodeId },
    });
    const userData = String(body.user_data);
    expect(cloudInitSchema(userData)).toMatch(/^0 Valid cloud-config/);
    expect(Buffer.byteLength(userData)).toBeLessThan(32 * 1024);
    expect(userData).not.toContain(TOKEN);
    expect(userData).not.toMatch(/ANTHROPIC|CLAUDE_CODE_OAUTH/);
    const settings = daemonSettingsFrom(userData);
    expect(settings.env).toMatchObject({ FLOTILLA_NODE_ID: nodeId, FLOTILLA_CONTROL_PLANE_URL: stack.url, FLOTILLA_PROJECT_ID: projectId });

    // The server boots: cloud-init starts the daemon with these settings (here: the local cloud).
    const boot = await fetch(`${stack.stack.localCloud.url}/nodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nodeId: settings.env.FLOTILLA_NODE_ID, controlPlaneUrl: settings.env.FLOTILLA_CONTROL_PLANE_URL, callbackToken: settings.callbackToken }),
    });
    expect(boot.status).toBe(201);
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect({ status: task.status, error: task.error }).toEqual({ status: 'completed', error: null });
    expect(task.output.branch).toBe(`task/${task.id}`);
    const node = await waitForNodeStatus(stack, nodeId, 'warm');
    expect(node).toMatchObject({ provider: 'hetzner', size: 'medium', machineType: 'cx32', location: 'nbg1' });

    // Past its maximum lifetime and idle: the sweep deletes the server through Hetzner.
    const swept = await sweepNodesNow(stack);
    expect(swept.destroyed).toContainEqual({ nodeId, reason: 'max_lifetime' });
    expect((await fetchNode(stack, nodeId)).status).toBe('destroyed');
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(fake.servers()).toEqual([]);
    await fetch(`${stack.stack.localCloud.url}/nodes/${nodeId}`, { method: 'DELETE' }); // the "VM" is gone
  });
});
