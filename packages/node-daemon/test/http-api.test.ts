/**
 * The daemon's HTTP API contract at its edges, against a real daemon process: authentication
 * (401/403), body validation (400 naming the problem), unknown ids (404) and conflicts (409) —
 * always as `{error:{code,message}}`, never a 500.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi } from './support/daemon-api.js';
import { startDaemonProcess, type DaemonProcess } from './support/daemon-process.js';
import { startFakeControlPlane, type FakeControlPlane } from './support/fake-control-plane.js';
import { createBareOrigin } from './support/git-fixtures.js';

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

describe('HTTP API errors', () => {
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
      agentType: 'scripted',
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
          agentType: 'scripted',
          initialPrompt: 'x',
          taskId: null,
          taskTitle: null,
        })
      ).status,
    ).toBe(404);
  });
});
