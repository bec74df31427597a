/**
 * Nodes without bubblewrap (issue 12 items 1 and 4). Where no sandbox can be made and the operator
 * did not opt out, the node says so at ready, a task's workspace fails saying why and what to do
 * (its checkout is made in the sandbox, so no agent is ever started there), and a terminal is
 * refused. Where the operator opted out
 * (FLOTILLA_UNSAFE_NO_SANDBOX=1), agents run unconfined but still reach their model only through
 * the gateway and the network through the proxy — on ports of 127.0.0.1, there being no network
 * namespace to bridge into — and still hold only the workspace token.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sha256Hex, startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { createBareOrigin, daemonApi, runDaemonTask, startDaemonProcess, startFakeControlPlane, type DaemonProcess, type FakeControlPlane } from '@flotilla/testkit/daemon';

const API_KEY = `sk-ant-canary-${randomUUID()}`;
const MISSING_BWRAP = '/nonexistent/bwrap';

let cp: FakeControlPlane;
let fake: FakeAnthropic;
let allowed: Server;
const daemons: DaemonProcess[] = [];

async function startDaemon(nodeId: string, env: Record<string, string>): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ nodeId, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(nodeId), env });
  daemons.push(daemon);
  return daemon;
}

beforeAll(async () => {
  cp = await startFakeControlPlane();
  fake = await startFakeAnthropic({ script: [{ text: 'Hello.' }] });
  allowed = createServer((req, res) => res.end(`allowed server: ${req.url}`));
  await new Promise<void>((resolve) => allowed.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const daemon of daemons) await daemon.stop();
  await cp?.close();
  await fake?.close();
  allowed?.close();
});

describe('a node that cannot sandbox agents', () => {
  it("says so at ready; a task's workspace fails saying why and what to do; a terminal is refused", async () => {
    const daemon = await startDaemon('nod_nosandbox', { FLOTILLA_BWRAP: MISSING_BWRAP });
    const ready = await cp.waitFor(() => cp.nodeReady.find((r) => r.id === 'nod_nosandbox'), 30_000, 'node ready');
    expect(ready.body.sandbox).toBe('unavailable');

    const api = daemonApi(daemon.url, await cp.managementToken('nod_nosandbox'));
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    const taskId = `tsk_${randomUUID().slice(0, 8)}`;
    const created = await api.request('POST', '/workspaces', {
      workspaceId,
      repoUrl: createBareOrigin(),
      baseBranch: 'main',
      branch: `task/${taskId}`,
      projectId: null,
      chatSessionId: null,
      taskId,
      callbackToken: await cp.callbackToken('nod_nosandbox', workspaceId),
    });
    expect(created.status).toBe(202);
    const workspaceReady = await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
    expect(workspaceReady.body).toMatchObject({ status: 'error', error: expect.stringMatching(/cannot sandbox agents.*install bubblewrap and socat.*FLOTILLA_UNSAFE_NO_SANDBOX=1/) });

    const viewer = await cp.viewerToken('nod_nosandbox', workspaceId);
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/${workspaceId}/terminal/ws?token=${viewer}`);
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => reject(new Error('the terminal opened')));
      socket.once('error', () => undefined);
    });
    // No checkout was made, so the terminal is refused before it could be (404); a checkout made
    // elsewhere would be refused for the sandbox (503).
    expect([404, 503]).toContain(refused);
  });
});

describe('a node whose operator opted out (FLOTILLA_UNSAFE_NO_SANDBOX=1)', () => {
  it('runs the agent unconfined, with the gateway and the proxy on loopback ports and only the workspace token', async () => {
    const daemon = await startDaemon('nod_unconfined', {
      FLOTILLA_BWRAP: MISSING_BWRAP,
      FLOTILLA_UNSAFE_NO_SANDBOX: '1',
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: API_KEY,
      FLOTILLA_EGRESS_ALLOW: 'localhost',
      FLOTILLA_EGRESS_ALLOW_ADDRESSES: '127.0.0.1/32',
    });
    const ready = await cp.waitFor(() => cp.nodeReady.find((r) => r.id === 'nod_unconfined'), 30_000, 'node ready');
    expect(ready.body.sandbox).toBe('none');
    const port = (allowed.address() as AddressInfo).port;
    const before = fake.requests.length;
    const { callback, read } = await runDaemonTask(
      daemon,
      cp,
      'nod_unconfined',
      [
        'run: env > env.txt',
        `run: curl -s -o /dev/null -w '%{http_code}' "$ANTHROPIC_BASE_URL/v1/messages" -H "x-api-key: $ANTHROPIC_API_KEY" -H 'content-type: application/json' -d '{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}' > gateway-status.txt`,
        `run: curl -s --noproxy '' http://localhost:${port}/proxied > proxied.txt`,
      ].join('\n'),
    );
    expect(callback.body).toMatchObject({ status: 'completed', usage: { requests: 1 } });
    const env = read('env.txt');
    expect(env).toMatch(/^ANTHROPIC_API_KEY=flt_gw_/m);
    expect(env).toMatch(/^ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(env).not.toMatch(/^ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:4141$/m);
    expect(env).toMatch(/^HTTPS_PROXY=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(env).not.toContain(API_KEY);
    expect(env).not.toContain('FLOTILLA_');
    expect(read('gateway-status.txt')).toBe('200');
    expect(fake.requests.slice(before).map((request) => request.apiKeySha256)).toEqual([sha256Hex(API_KEY)]);
    expect(read('proxied.txt')).toBe('allowed server: /proxied');
  });
});
