/**
 * Capability: cloud nodes reached over TLS under their own DNS names. With node DNS configured
 * (a Cloudflare zone; the fake Cloudflare API in testkit), a task on a Hetzner node (fake Hetzner
 * API, each server booted on a fake VM) gets its node a proxied A record
 * `<node>.nodes.example.com` → the server's IPv4 right after the server is created; the
 * user-data makes the daemon serve HTTPS with an origin certificate on port 8443 and announce
 * `https://<node>.nodes.example.com:8443`; the task completes with the control plane talking to
 * the daemon over TLS only; destroying the node deletes its record; the sweep deletes records
 * whose node is gone and no one else's; Cloudflare refusing the token fails the task saying what
 * to fix; `flotilla up` passes the settings on, the token only through its 0600 secrets file.
 *
 * The fake VM's network is loopback (it announces `https://127.0.0.1:<port>` instead of the DNS
 * name nobody here can resolve), and its origin certificate is one this test made and trusts
 * (NODE_EXTRA_CA_CERTS for wrangler and workerd): on a real VM cloud-init makes a self-signed
 * one, which Cloudflare's proxy accepts in SSL mode "Full".
 */
import { startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { startFakeCloudflare, type FakeCloudflare } from '@flotilla/testkit/fake-cloudflare';
import { startFakeHetzner, type FakeHetzner } from '@flotilla/testkit/fake-hetzner';
import { bootFakeVm, type FakeVm } from '@flotilla/testkit/fake-vm';
import { freePort } from '@flotilla/cli';
import { bootTestStack, createGitRepo, processesWithEnv, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startFlotillaUp } from './cli-support.js';
import { fetchNode, sweepNodesNow } from './nodes-support.js';

const HETZNER_TOKEN = 'hcloud-dns-test-token-1a2b';
const CLOUDFLARE_TOKEN = 'cf-dns-test-token-9z8y7x';
const DOMAIN = 'nodes.example.com';
let hetzner: FakeHetzner;
let cloudflare: FakeCloudflare;
let anthropic: FakeAnthropic;
let stack: TestStack;
let originCert = '';
const vms = new Map<number, FakeVm>();
const savedCaEnv = process.env.NODE_EXTRA_CA_CERTS;

/** A certificate for 127.0.0.1 that this test trusts, in `dir` as cert.pem and key.pem. */
function makeOriginCertificate(dir: string): void {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=flotilla-test-origin', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
}

beforeAll(async () => {
  anthropic = await startFakeAnthropic({ script: [] });
  const certDir = mkdtempSync(join(tmpdir(), 'flotilla-origin-'));
  makeOriginCertificate(certDir);
  originCert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
  const vmEnv = { PATH: [join(process.cwd(), '../../node_modules/.bin'), process.env.PATH ?? ''].join(delimiter), ANTHROPIC_BASE_URL: anthropic.url };
  hetzner = await startFakeHetzner({
    tokens: [HETZNER_TOKEN],
    onServerCreated: async (server) => {
      // The VM's origin certificate is already there (the boot keeps one it finds): this test's.
      const root = mkdtempSync(join(tmpdir(), 'flotilla-vm-'));
      mkdirSync(join(root, 'etc/flotilla/tls'), { recursive: true });
      execFileSync('cp', [join(certDir, 'cert.pem'), join(certDir, 'key.pem'), join(root, 'etc/flotilla/tls/')]);
      vms.set(server.id, await bootFakeVm(server.user_data, { env: vmEnv, root }));
    },
    onServerDeleted: async (server) => vms.get(server.id)?.stop(),
  });
  cloudflare = await startFakeCloudflare({ tokens: [CLOUDFLARE_TOKEN], zoneName: 'example.com' });
  process.env.NODE_EXTRA_CA_CERTS = join(certDir, 'cert.pem'); // read by the wrangler process started next
  stack = await bootTestStack({
    vars: {
      HETZNER_API_URL: hetzner.url,
      CREDENTIALS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      NODE_DNS_ZONE_ID: cloudflare.zoneId,
      NODE_DNS_DOMAIN: DOMAIN,
      CLOUDFLARE_API_URL: cloudflare.url,
      CLOUDFLARE_API_TOKEN: CLOUDFLARE_TOKEN,
      MAX_AUTO_NODE_LIFETIME_MS: '1',
      ORPHAN_NODE_GRACE_MS: '0',
    },
  });
});

afterAll(async () => {
  if (savedCaEnv === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
  else process.env.NODE_EXTRA_CA_CERTS = savedCaEnv;
  await Promise.all([...vms.values()].map((vm) => vm.stop()));
  await stack?.close();
  await Promise.all([hetzner?.close(), cloudflare?.close(), anthropic?.close()]);
});

/** GET `url` over https trusting only `ca`; answers the status, or the TLS/connection error. */
function httpsGet(url: string, ca: string): Promise<number | Error> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { ca, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', resolve);
    req.end();
  });
}

describe('cloud nodes under their own DNS names, over TLS', () => {
  let projectId = '';
  let repo = '';

  it('a task on a Hetzner node: its DNS record is made, its daemon serves only HTTPS, the task completes, and destroying the node deletes the record', async () => {
    const saved = await fetch(`${stack.url}/api/credentials/cloud/hetzner`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: HETZNER_TOKEN }) });
    expect(saved.status).toBe(200);
    repo = createGitRepo({ 'README.md': '# tls\n' });
    projectId = (await stack.client.createProject({ name: 'tls', repoUrl: repo, defaultBranch: 'main', defaultProvider: 'hetzner' })).id;
    const created = await stack.client.createTask(projectId, { description: 'write TLS.md: over tls\nsay: done', run: true });
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect({ status: task.status, error: task.error }).toEqual({ status: 'completed', error: null });
    expect(showFile(repo, `task/${task.id}`, 'TLS.md')).toBe('over tls');
    const nodeId = task.nodeId ?? '';
    const label = nodeId.toLowerCase().replace(/_/g, '-');

    // The record: <node>.<domain> → the server's public IPv4, proxied, marked as Flotilla's.
    const server = hetzner.servers()[0];
    const serverIp = `203.0.113.${(server?.id ?? 0) % 250}`;
    expect(cloudflare.records()).toEqual([
      expect.objectContaining({ type: 'A', name: `${label}.${DOMAIN}`, content: serverIp, proxied: true, ttl: 1, comment: `managed-by=flotilla node=${nodeId}` }),
    ]);
    expect(cloudflare.requests.every((r) => r.authorization === `Bearer ${CLOUDFLARE_TOKEN}`)).toBe(true);

    // The user-data: TLS on 8443 with the origin certificate, announcing the DNS name; no DNS token.
    const userData = server?.user_data ?? '';
    expect(userData).not.toContain(CLOUDFLARE_TOKEN);
    const env = parse(userData).write_files.find((f: { path: string }) => f.path === '/etc/flotilla/node.env').content as string;
    expect(env).toContain('FLOTILLA_PORT=8443\n');
    expect(env).toContain(`FLOTILLA_PUBLIC_URL=https://${label}.${DOMAIN}:{port}\n`);
    expect(env).toContain('FLOTILLA_TLS_CERT_FILE=/etc/flotilla/tls/cert.pem\n');

    // The control plane reached the daemon over https (the fake VM's loopback stands in for the
    // name), and the daemon answers nothing but TLS.
    const node = await fetchNode(stack, nodeId);
    expect(node.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await httpsGet(`${node.url}/health`, originCert)).toBe(200);
    expect(await fetch(`${node.url?.replace('https:', 'http:')}/health`).catch((e: unknown) => e)).toBeInstanceOf(Error);

    // Destroyed (past its lifetime, idle): the server and its record are gone.
    const swept = await sweepNodesNow(stack);
    expect(swept.destroyed).toContainEqual({ nodeId, reason: 'max_lifetime' });
    expect(hetzner.servers()).toEqual([]);
    expect(cloudflare.records()).toEqual([]);
    expect(cloudflare.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it("the sweep deletes a node record whose node is gone, and leaves the zone's other records alone", async () => {
    cloudflare.addRecord({ name: `nod-ghost.${DOMAIN}`, content: '203.0.113.200', proxied: true, comment: 'managed-by=flotilla node=nod_ghost' });
    cloudflare.addRecord({ name: 'www.example.com', content: '198.51.100.10', proxied: true, comment: 'the website' });
    cloudflare.addRecord({ name: 'mail.example.com', content: '198.51.100.11' });
    const swept = await sweepNodesNow(stack);
    expect(swept.dnsRecordsDeleted).toEqual([{ nodeId: 'nod_ghost', hostname: `nod-ghost.${DOMAIN}` }]);
    expect(swept.failed).toEqual([]);
    expect(cloudflare.records().map((r) => r.name).sort()).toEqual(['mail.example.com', 'www.example.com']);
  });

  it('Cloudflare refusing the token fails the task at provisioning, saying what the token needs', async () => {
    cloudflare.failNext(1, { method: 'GET', status: 403, code: 10000, message: 'Authentication error' });
    const created = await stack.client.createTask(projectId, { description: 'say: never runs', run: true });
    const task = await waitForTask(stack.client, created.id, 60_000);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/CLOUDFLARE_API_TOKEN.*Zone · DNS · Edit/);
    expect(task.error).not.toContain(CLOUDFLARE_TOKEN);
  });

  it('flotilla up hands the node DNS settings to the control plane, and the Cloudflare token only through its 0600 secrets file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'flotilla-up-dns-'));
    const env = {
      FLOTILLA_HOME: home,
      HETZNER_API_URL: hetzner.url,
      NODE_DNS_ZONE_ID: cloudflare.zoneId,
      NODE_DNS_DOMAIN: DOMAIN,
      CLOUDFLARE_API_URL: cloudflare.url,
      CLOUDFLARE_API_TOKEN: CLOUDFLARE_TOKEN,
    };
    const { url, up } = await startFlotillaUp(await freePort(), env);
    try {
      const saved = await fetch(`${url}/api/credentials/cloud/hetzner`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: HETZNER_TOKEN }) });
      expect(saved.status).toBe(200);
      const repo = createGitRepo({ 'README.md': '# up\n' });
      const run = await runCli(['run', '--repo', repo, '--agent', 'claude-code', '--provider', 'hetzner', '--json', 'write UP.md: named and encrypted'], env);
      expect(run.code, run.stderr).toBe(0);
      const { taskId } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { taskId: string };
      expect(showFile(repo, `task/${taskId}`, 'UP.md')).toBe('named and encrypted');
      const task = (await (await fetch(`${url}/api/tasks/${taskId}`)).json()) as { nodeId: string };
      expect(cloudflare.records().map((r) => r.comment)).toContain(`managed-by=flotilla node=${task.nodeId}`);

      expect(readFileSync(join(home, 'secrets.env'), 'utf8')).toContain(`CLOUDFLARE_API_TOKEN=${CLOUDFLARE_TOKEN}\n`);
      expect(statSync(join(home, 'secrets.env')).mode & 0o777).toBe(0o600);
      const commandLines = processesWithEnv(`FLOTILLA_HOME=${home}`).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      expect(commandLines.some((line) => line.includes('NODE_DNS_ZONE_ID'))).toBe(true);
      expect(commandLines.filter((line) => line.includes(CLOUDFLARE_TOKEN))).toEqual([]);
    } finally {
      up.kill('SIGINT');
      await new Promise((resolve) => up.once('exit', resolve));
    }
  });
});
