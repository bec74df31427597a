/** ControlPlaneClient against the fake control plane (testkit): tokens per call, retries, refusals, parsed answers. */
import { FakeControlPlane } from '@flotilla/testkit/daemon';
import { FlotillaError, createLogger } from '@flotilla/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlPlaneClient } from './control-plane-client.js';

let cp: FakeControlPlane;

beforeEach(async () => {
  // The client's tokens here are plain strings: the fake takes any Bearer token.
  cp = await FakeControlPlane.start({ tokens: 'any' });
});

afterEach(async () => {
  await cp.close();
});

function client(): ControlPlaneClient {
  return new ControlPlaneClient({
    controlPlaneUrl: cp.url,
    nodeId: 'nod_1',
    nodeToken: () => 'node-token',
    workspaceToken: (id) => (id === 'ws_1' ? 'ws-token' : undefined),
    retry: { maxElapsedMs: 5000, initialIntervalMs: 10, maxIntervalMs: 20 },
    requestTimeoutMs: 5000,
    logger: createLogger('test', { sink: () => {} }),
  });
}

const calls = () => cp.requests.map(({ route, id, token, body }) => ({ route, id, token, body }));

describe('ControlPlaneClient', () => {
  it('posts node calls with the node token and workspace calls with the workspace token', async () => {
    await client().nodeReady({ url: 'http://127.0.0.1:1', daemonVersion: '0.1.0', sandbox: 'none' });
    await client().taskCallback('tsk_1', 'ws_1', { status: 'failed', error: 'x' });
    expect(calls()).toEqual([
      { route: 'nodeReady', id: 'nod_1', token: 'node-token', body: { url: 'http://127.0.0.1:1', daemonVersion: '0.1.0', sandbox: 'none' } },
      { route: 'taskCallback', id: 'tsk_1', token: 'ws-token', body: { status: 'failed', error: 'x' } },
    ]);
  });

  it('retries 5xx and 429 until it succeeds', async () => {
    cp.failNext({ kind: 'status', status: 503 }, { kind: 'status', status: 429 });
    await client().workspaceReady('ws_1', { status: 'running' });
    expect(cp.requests.map((r) => [r.route, r.id, r.answer])).toEqual([
      ['workspaceReady', 'ws_1', '503'],
      ['workspaceReady', 'ws_1', '429'],
      ['workspaceReady', 'ws_1', 'ok'],
    ]);
  });

  it('does not retry a 4xx, and reports the server message', async () => {
    cp.failNext({ kind: 'status', status: 409, message: 'task already completed' });
    const call = client().taskCallback('tsk_1', 'ws_1', { status: 'failed', error: 'x' });
    await expect(call).rejects.toMatchObject({ status: 409, code: 'conflict', message: 'task already completed' });
    expect(cp.requests).toHaveLength(1);
  });

  it('sends heartbeats once, without retrying', async () => {
    cp.failNext({ kind: 'status', status: 500 });
    await expect(client().heartbeat({ workspaceIds: ['ws_1'] })).rejects.toBeInstanceOf(FlotillaError);
    expect(cp.requests).toHaveLength(1);
  });

  it('returns the heartbeat answer with refreshed tokens, and refuses a malformed one', async () => {
    const answer = { ok: true as const, callbackToken: 'new-node-token', workspaceTokens: { ws_1: 'new-ws-token' } };
    cp.heartbeatAnswer = () => answer;
    expect(await client().heartbeat({ workspaceIds: ['ws_1'] })).toEqual(answer);
    cp.heartbeatAnswer = () => ({ ok: true });
    expect(await client().heartbeat({ workspaceIds: [] })).toEqual({ ok: true });
    cp.heartbeatAnswer = () => ({ ok: 'yes' }) as never;
    await expect(client().heartbeat({ workspaceIds: [] })).rejects.toMatchObject({ code: 'bad_response', message: expect.stringMatching(/unexpected answer from POST \/api\/nodes\/nod_1\/heartbeat/) });
  });

  it('refuses a workspace call when it knows no token for the workspace', async () => {
    await expect(client().workspaceReady('ws_unknown', { status: 'running' })).rejects.toThrow(/no callback token/);
    expect(cp.requests).toHaveLength(0);
  });
});
