/**
 * The daemon's HTTP API contract at its edges, against a real daemon process: authentication
 * (401/403), body validation (400 naming the problem), unknown ids (404) and conflicts (409) —
 * always as `{error:{code,message}}`, never a 500.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, createBareOrigin } from '@flotilla/testkit/daemon';

const NODE_ID = 'nod_http';
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({ nodeId: NODE_ID, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(NODE_ID) });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  await daemon?.stop();
  await cp?.close();
});

/** A create-workspace body for `workspaceId` on a fresh bare origin. */
const workspaceBody = async (workspaceId: string) => ({
  workspaceId,
  repoUrl: createBareOrigin(),
  baseBranch: 'main',
  branch: 'task/x',
  projectId: null,
  chatSessionId: null,
  taskId: null,
  callbackToken: await cp.callbackToken(NODE_ID, workspaceId),
});

describe('HTTP API errors', () => {
  it('401 without a token or with the wrong audience, 403 for another node', async () => {
    const noToken = await api.request('GET', '/workspaces', undefined, null);
    expect(noToken).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'missing Bearer token' } } });
    const wrongAudience = await api.request('GET', '/workspaces', undefined, await cp.callbackToken(NODE_ID));
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.body).toMatchObject({ error: { code: 'unauthorized' } });
    const wrongIssuer = await api.request(
      'GET',
      '/workspaces',
      undefined,
      await cp.sign({ aud: 'node-management', sub: NODE_ID, iss: 'someone-else' }),
    );
    expect(wrongIssuer.status).toBe(401);
    const otherNode = await api.request('GET', '/workspaces', undefined, await cp.managementToken('nod_other'));
    expect(otherNode).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'token is not for this node' } } });
    const garbage = await api.request('GET', '/workspaces', undefined, 'not-a-jwt');
    expect(garbage.status).toBe(401);
  });

  it('400 naming the problem for bad bodies, never a 500', async () => {
    const notJson = await api.request('POST', '/workspaces', '{nope');
    expect(notJson).toEqual({ status: 400, body: { error: { code: 'bad_request', message: 'request body is not valid JSON' } } });
    const missing = await api.request<{ error: { message: string } }>('POST', '/workspaces', { workspaceId: 'ws_1' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/repoUrl/);
    const badId = await api.request<{ error: { message: string } }>('POST', '/workspaces', await workspaceBody('../etc'));
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toMatch(/workspaceId/);
    const badPrompt = await api.request<{ error: { message: string } }>('POST', '/workspaces/ws_any/agent-sessions/as_1/start', {
      agentType: 'claude-code',
      initialPrompt: '',
      taskId: null,
      taskTitle: null,
    });
    expect(badPrompt.status).toBe(400);
    expect(badPrompt.body.error.message).toMatch(/initialPrompt/);
    const badAgent = await api.request('POST', '/workspaces/ws_any/agent-sessions/as_1/start', {
      agentType: 'nope',
      initialPrompt: 'x',
      taskId: null,
      taskTitle: null,
    });
    expect(badAgent.status).toBe(400);
  });

  it('404 for unknown workspaces, sessions and routes; 409 for a duplicate workspace or session', async () => {
    expect((await api.request('GET', '/workspaces/ws_missing')).status).toBe(404);
    expect((await api.request('DELETE', '/workspaces/ws_missing')).status).toBe(404);
    expect(
      (await api.request('POST', '/workspaces/ws_missing/agent-sessions', { agentSessionId: 'a', chatSessionId: null })).status,
    ).toBe(404);
    expect((await api.request('GET', '/nope')).body).toMatchObject({ error: { code: 'not_found' } });

    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    expect((await api.request('POST', '/workspaces', await workspaceBody(workspaceId))).status).toBe(202);
    const duplicate = await api.request('POST', '/workspaces', await workspaceBody(workspaceId));
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
    const session = { agentSessionId: 'as_dup', chatSessionId: null };
    expect((await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, session)).status).toBe(201);
    expect((await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, session)).status).toBe(409);
    expect((await api.request('GET', `/workspaces/${workspaceId}/agent-sessions/as_nope`)).status).toBe(404);
    expect(
      (
        await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/as_nope/start`, {
          agentType: 'claude-code',
          initialPrompt: 'x',
          taskId: null,
          taskTitle: null,
        })
      ).status,
    ).toBe(404);
  });
});

describe('HTTP API refusals of large bodies', () => {
  interface Sent {
    status: number;
    body: unknown;
    /** Whether the request went on a connection used before. */
    reusedSocket: boolean;
    /** What broke the request while it was sent (a reset), if anything did. */
    error: Error | undefined;
  }

  /**
   * Send `method path` on `agent` with raw node:http. A body is sent in two halves with a pause
   * between them, as a client on a slow link does; the answer counts once the response has ended
   * and the whole body was sent (or sending it failed).
   */
  function send(agent: Agent, method: string, path: string, options: { bodyBytes?: number; headers?: Record<string, string> } = {}): Promise<Sent> {
    const body = options.bodyBytes === undefined ? undefined : Buffer.alloc(options.bodyBytes, 'x');
    const headers = { ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}), ...options.headers };
    return new Promise((resolve, reject) => {
      let error: Error | undefined;
      const request = httpRequest(`${daemon.url}${path}`, { method, agent, headers });
      const sent = new Promise<void>((done) => {
        request.once('finish', done);
        request.once('error', (failure) => {
          error = failure;
          done();
        });
      });
      request.once('response', (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.once('end', () => void sent.then(() => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown, reusedSocket: request.reusedSocket, error })));
      });
      void sent.then(() => error && reject(error));
      if (!body) return void request.end();
      const half = body.length / 2;
      request.write(body.subarray(0, half));
      // A slow link: the second half leaves a moment later (the pause only slows the client; it synchronises nothing).
      setTimeout(() => request.end(body.subarray(half)), SLOW_CLIENT_PAUSE_MS);
    });
  }
  const SLOW_CLIENT_PAUSE_MS = 300;

  it('answers an unauthenticated 2 MB POST from a slow client with its 401 and JSON error, and keeps the connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(agent, 'POST', '/workspaces', { bodyBytes: 2 * 1024 * 1024 });
      expect(refused).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: 'missing Bearer token' } }, error: undefined });
      // The same connection answers the next request: the daemon read the refused body out
      // instead of cutting the connection under the client.
      expect(await send(agent, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' }, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it('answers a slow client sending a 2 MB body to a route that takes none, without a reset', async () => {
    // A route that reads no body (cancel) answers before the body is read: the daemon's HTTP
    // server drains it, rather than destroying the request under the client.
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    expect((await api.request('POST', '/workspaces', await workspaceBody(workspaceId))).status).toBe(202);
    await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
    expect((await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId: 'as_big', chatSessionId: null })).status).toBe(201);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const token = await cp.managementToken(NODE_ID);
      const cancelled = await send(agent, 'POST', `/workspaces/${workspaceId}/agent-sessions/as_big/cancel`, { bodyBytes: 2 * 1024 * 1024, headers: { authorization: `Bearer ${token}` } });
      expect(cancelled).toMatchObject({ status: 200, body: { agentSessionId: 'as_big', status: 'stopped' }, error: undefined });
      expect(await send(agent, 'GET', '/health')).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it('refuses an authenticated body over the route limit with 413, and keeps the connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(agent, 'POST', '/workspaces', { bodyBytes: 2 * 1024 * 1024, headers: { authorization: `Bearer ${await cp.managementToken(NODE_ID)}` } });
      expect(refused).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } }, error: undefined });
      expect(await send(agent, 'GET', '/health')).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });
});
