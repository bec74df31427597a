/**
 * Capability (issue 6, items 6–8): a task on the Hetzner provider, against the fake Hetzner API
 * (testkit) on the real stack. Without a saved token the task fails at once saying what to
 * configure; a refused token is not saved; a valid one is saved and never shown again. The task's
 * create request carries the server type of its size, the image, location, labels and user-data
 * that passes `cloud-init schema` and holds no credential but the node's own callback token; a
 * 429 on the way is retried. The created server boots from that user-data on a fake VM (testkit
 * fake-vm: its files written, its install script run — downloading the daemon bundle from this
 * control plane and checking its SHA-256 — and its systemd unit started); the task completes on
 * the daemon it installed; the node sweep then deletes the server through Hetzner, which stops
 * the VM. The boot checks Node.js against its pinned SHA-256 (a stand-in served as nodejs.org)
 * and installs the daemon's packages with `npm ci` from the artifact's lockfile; a bundle, a
 * lockfile or a Node.js download that does not match its SHA-256 stops the boot. The VMs run
 * the scripted agent (their drop-in's agent-command override); Claude Code on a VM is
 * nodes-hetzner-claude-code.
 */
import { NODE_RELEASE, nodeTarball } from '@flotilla/cloud-init';
import { NodeDaemonManifest } from '@flotilla/contracts';
import { bootFakeVm } from '@flotilla/testkit/fake-vm';
import { createGitRepo, processAlive, showFile, waitForTask, waitForWorkspaceRunning, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import WebSocket from 'ws';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';
import { bootHetznerStand, HETZNER_TOKEN as TOKEN, type HetznerStand } from './hetzner-support.js';
import { fetchNode, sweepNodesNow, waitForNodeStatus } from './nodes-support.js';

let stand: HetznerStand;
let stack: TestStack;

beforeAll(async () => {
  stand = await bootHetznerStand('scripted');
  stack = stand.stack;
});

afterAll(async () => {
  await stand?.close();
});

const putToken = (token: string) =>
  fetch(`${stack.url}/api/credentials/cloud/hetzner`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

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
  let repo = '';

  it('a task on Hetzner without a saved token fails at once, saying what to configure', async () => {
    repo = createGitRepo({ 'README.md': '# cloud\n' });
    const project = await stack.client.createProject({ name: 'cloud', repoUrl: repo, defaultBranch: 'main', defaultProvider: 'hetzner' });
    projectId = project.id;
    const created = await stack.client.createTask(project.id, { description: 'say: hello', run: true });
    const task = await waitForTask(stack.client, created.id, 30_000);
    expect(task.status).toBe('failed');
    expect(task.error).toContain('PUT /api/credentials/cloud/hetzner');
    expect(stand.fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
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
    expect(stand.fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/servers', authorization: `Bearer ${TOKEN}` });
    const listed = await (await fetch(`${stack.url}/api/credentials`)).text();
    expect(listed).not.toContain(TOKEN);
    expect(JSON.parse(listed)).toEqual({ credentials: [expect.objectContaining({ name: 'hetzner', masked: '••••9c1e' })] });
    expect((await fetch(`${stack.url}/api/credentials/cloud/nowhere`, { method: 'PUT', body: '{}' })).status).toBe(400);
  });

  it('provisions a server with the right request (retrying a 429), and the task completes on it once it boots', async () => {
    stand.fake.failNext(1, { method: 'POST', path: '^/v1/servers$', status: 429, code: 'rate_limit_exceeded', message: 'limit reached', headers: { 'Retry-After': '1' } });
    const created = await stack.client.createTask(projectId, { description: 'write CLOUD.md: made on hetzner\nsay: done', run: true, vmSize: 'medium' });
    const create = await waitFor('the create request', () => stand.fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers' && stand.fake.servers().length > 0));
    const nodeId = (await stack.client.getTask(created.id)).nodeId ?? '';
    expect(stand.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/servers')).toHaveLength(2); // the 429, then the retry
    const body = create.body as Record<string, unknown>;
    expect(create.authorization).toBe(`Bearer ${TOKEN}`);
    expect(body).toMatchObject({
      name: `flotilla-${nodeId.toLowerCase().replace(/_/g, '-')}`,
      server_type: 'cx32',
      image: 'debian-12',
      location: 'nbg1',
      labels: { 'managed-by': 'flotilla', 'flotilla-deployment': expect.stringMatching(/^[0-9a-f-]{36}$/), 'flotilla-node-id': nodeId },
    });
    const userData = String(body.user_data);
    expect(cloudInitSchema(userData)).toMatch(/^0 Valid cloud-config/);
    expect(Buffer.byteLength(userData)).toBeLessThan(32 * 1024);
    expect(userData).not.toContain(TOKEN);
    expect(userData).not.toMatch(/ANTHROPIC|CLAUDE_CODE_OAUTH/);
    const env = parse(userData).write_files.find((f: { path: string }) => f.path === '/etc/flotilla/node.env').content as string;
    expect(env).toContain(`FLOTILLA_NODE_ID=${nodeId}\n`);
    expect(env).toContain(`FLOTILLA_CONTROL_PLANE_URL=${stack.url}\n`);
    expect(env).toContain(`FLOTILLA_PROJECT_ID=${projectId}\n`);

    // The server boots from its user-data (fake VM): the daemon it runs is the bundle served here.
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect({ status: task.status, error: task.error }).toEqual({ status: 'completed', error: null });
    expect(task.output.branch).toBe(`task/${task.id}`);
    const vm = [...stand.vms.values()][0];
    expect(stand.fake.bootErrors()).toEqual(new Map());
    expect(vm).toBeDefined();
    const manifest = NodeDaemonManifest.parse(await (await fetch(`${stack.url}/api/node-daemon`)).json());
    const installed = join(vm?.root ?? '', 'opt/flotilla/node-daemon.mjs');
    expect(createHash('sha256').update(readFileSync(installed)).digest('hex')).toBe(manifest.sha256);
    expect(vm?.log()).toContain('node-daemon.mjs.download: OK');
    // Node.js checked against its pinned SHA-256 before it was unpacked; the runtime packages
    // installed with npm ci from the artifact's checked lockfile.
    expect(vm?.log()).toContain(`${nodeTarball(NODE_RELEASE, process.arch === 'arm64' ? 'arm64' : 'x64')}: OK`);
    expect(vm?.log()).toContain('package-lock.json.download: OK');
    expect(createHash('sha256').update(readFileSync(join(vm?.root ?? '', 'opt/flotilla/package-lock.json'))).digest('hex')).toBe(manifest.lockfile.sha256);
    expect(existsSync(join(vm?.root ?? '', 'opt/flotilla/node_modules/better-sqlite3/package.json'))).toBe(true);
    const node = await waitForNodeStatus(stack, nodeId, 'warm');
    expect(node).toMatchObject({ provider: 'hetzner', size: 'medium', machineType: 'cx32', location: 'nbg1' });

    // Past its maximum lifetime and idle: the sweep deletes the server through Hetzner.
    const swept = await sweepNodesNow(stack);
    expect(swept.destroyed).toContainEqual({ nodeId, reason: 'max_lifetime' });
    expect((await fetchNode(stack, nodeId)).status).toBe('destroyed');
    expect(stand.fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(stand.fake.servers()).toEqual([]);
    await waitFor('the VM to stop', () => (processAlive(vm?.pid ?? 0) ? undefined : true), 15_000);
  });

  it('serves the bundle its manifest describes, and a VM refuses a bundle whose SHA-256 differs', async () => {
    const manifest = NodeDaemonManifest.parse(await (await fetch(`${stack.url}/api/node-daemon`)).json());
    const bundle = await fetch(`${stack.url}/api/node-daemon/bundle/${manifest.version}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('x-flotilla-daemon-sha256')).toBe(manifest.sha256);
    const bytes = Buffer.from(await bundle.arrayBuffer());
    expect({ bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ bytes: manifest.bytes, sha256: manifest.sha256 });
    const other = await fetch(`${stack.url}/api/node-daemon/bundle/9.9.9`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { message: `node daemon 9.9.9 is not served here; this control plane serves ${manifest.version}` } });

    const create = stand.fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers');
    const userData = (create?.body as { user_data: string }).user_data;
    const tampered = userData.replace(manifest.sha256, '0'.repeat(64));
    await expect(bootFakeVm(tampered, { env: stand.vmEnv })).rejects.toThrow(/node-daemon\.mjs\.download: FAILED/);
  });

  it('serves the lockfile its manifest describes; a VM refuses a lockfile or a Node.js download whose SHA-256 differs', async () => {
    const manifest = NodeDaemonManifest.parse(await (await fetch(`${stack.url}/api/node-daemon`)).json());
    const lockfile = await fetch(`${stack.url}/api/node-daemon/lockfile/${manifest.version}`);
    expect(lockfile.status).toBe(200);
    expect(lockfile.headers.get('x-flotilla-daemon-sha256')).toBe(manifest.lockfile.sha256);
    const bytes = Buffer.from(await lockfile.arrayBuffer());
    expect({ bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ bytes: manifest.lockfile.bytes, sha256: manifest.lockfile.sha256 });
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ lockfileVersion: 3, packages: { '': { dependencies: manifest.dependencies } } });
    expect((await fetch(`${stack.url}/api/node-daemon/lockfile/9.9.9`)).status).toBe(404);

    const create = stand.fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers');
    const userData = (create?.body as { user_data: string }).user_data;
    const badLockfile = userData.replace(manifest.lockfile.sha256, '0'.repeat(64));
    await expect(bootFakeVm(badLockfile, { env: stand.vmEnv })).rejects.toThrow(/package-lock\.json\.download: FAILED/);
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    expect(userData).toContain(NODE_RELEASE.sha256[arch]);
    const badNode = userData.replace(NODE_RELEASE.sha256[arch], '0'.repeat(64));
    await expect(bootFakeVm(badNode, { env: stand.vmEnv })).rejects.toThrow(new RegExp(`${nodeTarball(NODE_RELEASE, arch).replace(/\./g, '\\.')}: FAILED`));
  });

  it('a VM where node-pty fails to build still runs agents; only its terminals say they are unavailable', async () => {
    stand.nextVm = { unavailablePackages: ['node-pty'] };
    // The last task's node goes warm once its cleanup ran; then the sweep destroys it (max
    // lifetime), so this workspace gets a new server.
    await waitUntil('no node still active', async () => (await stack.client.listNodes()).every((n) => n.status !== 'ready' && n.status !== 'provisioning'), 30_000);
    await sweepNodesNow(stack);
    const before = stand.vms.size;
    const created = await stack.client.createWorkspace(projectId, { agentType: 'claude-code' });
    await waitForWorkspaceRunning(stack.client, projectId, created.workspaceId, 120_000);
    const vm = [...stand.vms.values()][before];
    expect(vm?.log()).toContain('SKIPPING OPTIONAL DEPENDENCY: node-pty@1.1.0');
    expect(existsSync(join(vm?.root ?? '', 'opt/flotilla/node_modules/node-pty'))).toBe(false);

    // The agent works: the first prompt starts it and its answer reaches the chat.
    await stack.client.sendFollowUpPrompt(projectId, created.chatSessionId, 'say: running without node-pty');
    await waitUntil('the agent answer in the chat', async () => (await stack.client.allMessages(projectId, created.chatSessionId)).some((m) => m.role === 'assistant' && m.content === 'running without node-pty'), 60_000);

    // The terminal is refused with a reason, not a crash.
    const viewer = await stack.client.viewerToken(projectId, created.workspaceId);
    const refusal = await new Promise<{ status: number; body: string }>((done) => {
      const socket = new WebSocket(`${viewer.url.replace(/\/agent\/ws$/, '/terminal/ws').replace(/^http/, 'ws')}?token=${viewer.token}`);
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => done({ status: response.statusCode ?? 0, body }));
      });
      socket.once('open', () => done({ status: 101, body: '' }));
    });
    expect(refusal.status).toBe(503);
    expect(refusal.body).toContain('terminals are not available on this node: node-pty could not be loaded');
    stand.nextVm = {};
  });

  it("the sweep deletes a server of this deployment no node accounts for, and leaves everyone else's — another deployment's too — alone", async () => {
    const createServer = (name: string, labels: Record<string, string>) =>
      fetch(`${stand.fake.url}/servers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, server_type: 'cx22', image: 'debian-12', location: 'nbg1', labels, user_data: '#cloud-config\n' }),
      });
    // This deployment's id, as every server it created carries it.
    const deployment = stand.fake.servers().find((s) => s.labels['managed-by'] === 'flotilla')?.labels['flotilla-deployment'] ?? '';
    expect(deployment).toMatch(/^[0-9a-f-]{36}$/);
    // A server this deployment created whose node the control plane never recorded (say, a lost
    // D1 row); a server of another Flotilla deployment sharing the Hetzner project, whose node
    // this control plane does not know either; and a server of the project that is not Flotilla's.
    expect((await createServer('flotilla-nod-lost', { 'managed-by': 'flotilla', 'flotilla-deployment': deployment, 'flotilla-node-id': 'nod_lost' })).status).toBe(201);
    expect((await createServer('flotilla-nod-neighbour', { 'managed-by': 'flotilla', 'flotilla-deployment': 'staging', 'flotilla-node-id': 'nod_neighbour' })).status).toBe(201);
    expect((await createServer('team-web-1', { team: 'web' })).status).toBe(201);
    const swept = await sweepNodesNow(stack);
    expect(swept.destroyed).toContainEqual({ nodeId: 'nod_lost', reason: 'orphaned' });
    const names = stand.fake.servers().map((s) => s.name);
    expect(names).toContain('team-web-1');
    expect(names).toContain('flotilla-nod-neighbour');
    expect(names).not.toContain('flotilla-nod-lost');
    // The server of the workspace still running (previous test) is a live node's: kept.
    expect(swept.destroyed.map((d) => d.nodeId)).toEqual(['nod_lost']);
    expect(names.filter((name) => name.startsWith('flotilla-') && name !== 'flotilla-nod-neighbour')).toHaveLength(1);
    // Idempotent: nothing more to delete.
    expect((await sweepNodesNow(stack)).destroyed.filter((d) => d.reason === 'orphaned')).toEqual([]);
  });

  it('flotilla run --provider hetzner --size large: the task runs on a new server of that size', async () => {
    await sweepNodesNow(stack); // no warm node to reuse
    const before = stand.vms.size;
    const repo = createGitRepo({ 'README.md': '# cli on hetzner\n' });
    const bad = await runCli(['run', '--repo', repo, '--server', stack.url, '--size', 'huge', 'say: no']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--size must be one of small, medium, large, got huge');

    const result = await runCli(['run', '--repo', repo, '--agent', 'claude-code', '--server', stack.url, '--provider', 'hetzner', '--size', 'large', '--json', 'write CLI.md: from the CLI on a VM']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as { taskId: string; status: string };
    expect(json.status).toBe('completed');
    expect(showFile(repo, `task/${json.taskId}`, 'CLI.md')).toBe('from the CLI on a VM');
    expect(stand.vms.size).toBe(before + 1);
    const nodeId = (await stack.client.getTask(json.taskId)).nodeId ?? '';
    expect(await fetchNode(stack, nodeId)).toMatchObject({ provider: 'hetzner', size: 'large', machineType: 'cx42' });
  });
});
