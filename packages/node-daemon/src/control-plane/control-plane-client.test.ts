import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlotillaError, createLogger } from '@flotilla/kit';
import { ControlPlaneClient } from './control-plane-client.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

let server: Server | undefined;

/** A server answering the statuses in `answers` in turn (the last one repeats). */
async function serve(answers: Array<{ status: number; body?: unknown }>): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, body });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      // By default what the control plane answers a callback it took (OkResponse / TaskCallbackResponse).
      response.end(JSON.stringify(answer.body ?? (answer.status === 200 ? { ok: true, duplicate: false } : {})));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

function client(url: string): ControlPlaneClient {
  return new ControlPlaneClient({
    controlPlaneUrl: url,
    nodeId: 'nod_1',
    nodeToken: () => 'node-token',
    workspaceToken: (id) => (id === 'ws_1' ? 'ws-token' : undefined),
    retry: { maxElapsedMs: 5000, initialIntervalMs: 10, maxIntervalMs: 20 },
    requestTimeoutMs: 5000,
    logger: createLogger('test'),
  });
}

describe('ControlPlaneClient', () => {
  it('posts node calls with the node token and workspace calls with the workspace token', async () => {
    const { url, seen } = await serve([{ status: 200 }]);
    await client(url).nodeReady({ url: 'http://127.0.0.1:1', daemonVersion: '0.1.0' });
    await client(url).taskCallback('tsk_1', 'ws_1', { status: 'failed', error: 'x' });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/nodes/nod_1/ready',
        authorization: 'Bearer node-token',
        body: JSON.stringify({ url: 'http://127.0.0.1:1', daemonVersion: '0.1.0' }),
      },
      {
        method: 'POST',
        url: '/api/tasks/tsk_1/callback',
        authorization: 'Bearer ws-token',
        body: JSON.stringify({ status: 'failed', error: 'x' }),
      },
    ]);
  });

  it('retries 5xx and 429 until it succeeds', async () => {
    const { url, seen } = await serve([{ status: 503 }, { status: 429 }, { status: 200 }]);
    await client(url).workspaceReady('ws_1', { status: 'running' });
    expect(seen.map((s) => s.url)).toEqual(Array(3).fill('/api/workspaces/ws_1/ready'));
  });

  it('does not retry a 4xx, and reports the server message', async () => {
    const { url, seen } = await serve([{ status: 409, body: { error: { code: 'conflict', message: 'task already completed' } } }]);
    const call = client(url).taskCallback('tsk_1', 'ws_1', { status: 'failed', error: 'x' });
    await expect(call).rejects.toMatchObject({ status: 409, code: 'conflict', message: 'task already completed' });
    expect(seen).toHaveLength(1);
  });

  it('sends heartbeats once, without retrying', async () => {
    const { url, seen } = await serve([{ status: 500 }]);
    await expect(client(url).heartbeat({ workspaceIds: ['ws_1'] })).rejects.toBeInstanceOf(FlotillaError);
    expect(seen).toHaveLength(1);
  });

  it('returns the heartbeat answer with refreshed tokens, and refuses a malformed one', async () => {
    const answer = { ok: true, callbackToken: 'new-node-token', workspaceTokens: { ws_1: 'new-ws-token' } };
    const { url } = await serve([{ status: 200, body: answer }, { status: 200, body: { ok: true } }, { status: 200, body: { ok: 'yes' } }]);
    expect(await client(url).heartbeat({ workspaceIds: ['ws_1'] })).toEqual(answer);
    expect(await client(url).heartbeat({ workspaceIds: [] })).toEqual({ ok: true });
    await expect(client(url).heartbeat({ workspaceIds: [] })).rejects.toMatchObject({ code: 'bad_response', message: expect.stringMatching(/unexpected answer from POST \/api\/nodes\/nod_1\/heartbeat/) });
  });

  it('refuses a workspace call when it knows no token for the workspace', async () => {
    const { url, seen } = await serve([{ status: 200 }]);
    await expect(client(url).workspaceReady('ws_unknown', { status: 'running' })).rejects.toThrow(/no callback token/);
    expect(seen).toHaveLength(0);
  });
});
