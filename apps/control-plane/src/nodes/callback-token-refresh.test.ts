/**
 * Refresh of callback tokens through the node heartbeat (callbacks.routes.ts, callback-token-refresh.ts): a node token past
 * half of CALLBACK_TOKEN_TTL_MS (24 h here, the default) gets a fresh node token and fresh tokens
 * for the node's own live workspaces, which the other callbacks accept.
 */
import { CONTROL_PLANE_CONFIG_DEFAULTS, NodeHeartbeatResponse } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCallbackToken } from '../auth/tokens.js';
import { insertWorkspace, setWorkspaceStatus } from '../workspaces/repository.js';
import { api, createProject, createTask, deps, expectJson, jwtClaims, message, seedWorkspace } from '../../test/helpers.js';

const TTL_MS = CONTROL_PLANE_CONFIG_DEFAULTS.CALLBACK_TOKEN_TTL_MS;
const HOUR_MS = 3_600_000;

let projectId: string;
let sessionId: string;
let ws: { nodeId: string; workspaceId: string; token: string };
let other: { nodeId: string; workspaceId: string; token: string };
let destroyedId: string;

beforeAll(async () => {
  projectId = (await createProject('token-refresh')).id;
  sessionId = (await createTask(projectId, { description: 'Refresh target' })).chatSessionId!;
  ws = await seedWorkspace(projectId, sessionId);
  other = await seedWorkspace(projectId, (await createTask(projectId, { description: 'Other node' })).chatSessionId!);
  destroyedId = `ws_${crypto.randomUUID()}`;
  await insertWorkspace(env.DB, { id: destroyedId, nodeId: ws.nodeId, projectId, taskId: null, chatSessionId: sessionId, branch: 'task/gone' });
  await setWorkspaceStatus(env.DB, destroyedId, 'destroyed');
});

/** Heartbeat of `ws.nodeId` listing `workspaceIds`, presenting `token`. */
async function heartbeat(token: string, workspaceIds: string[], status = 200) {
  const response = await api(`/api/nodes/${ws.nodeId}/heartbeat`, { method: 'POST', body: { workspaceIds }, token });
  return expectJson<NodeHeartbeatResponse>(response, status);
}

describe('POST /api/nodes/:nodeId/heartbeat refreshes callback tokens', () => {
  it('answers no tokens while the node token has more than half its life left', async () => {
    const fresh = await signCallbackToken(deps(), ws.nodeId, TTL_MS);
    expect(NodeHeartbeatResponse.parse(await heartbeat(fresh, [ws.workspaceId]))).toEqual({ ok: true });
    const justOverHalf = await signCallbackToken(deps(), ws.nodeId, TTL_MS / 2 + 60_000);
    expect(await heartbeat(justOverHalf, [ws.workspaceId])).toEqual({ ok: true });
  });

  it('past half its life: a new node token and tokens for the node’s own live workspaces only', async () => {
    const aging = await signCallbackToken(deps(), ws.nodeId, HOUR_MS);
    const before = Date.now();
    const answer = NodeHeartbeatResponse.parse(await heartbeat(aging, [ws.workspaceId, destroyedId, other.workspaceId, 'ws_unknown']));

    expect(answer.ok).toBe(true);
    expect(Object.keys(answer.workspaceTokens ?? {})).toEqual([ws.workspaceId]);
    const nodeClaims = jwtClaims(`Bearer ${answer.callbackToken}`);
    expect(nodeClaims).toMatchObject({ sub: ws.nodeId, aud: 'workspace-callback' });
    expect(nodeClaims.workspaceId).toBeUndefined();
    expect(nodeClaims.exp! * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + TTL_MS);
    const wsToken = answer.workspaceTokens![ws.workspaceId]!;
    expect(jwtClaims(`Bearer ${wsToken}`)).toMatchObject({ sub: ws.nodeId, workspaceId: ws.workspaceId });

    // The new tokens work: the message batch endpoint takes the workspace token, the heartbeat
    // the node token (and, fresh as it is, hands nothing new).
    const batch = { messages: [message(sessionId, { content: 'after refresh' })] };
    const posted = await api(`/api/workspaces/${ws.workspaceId}/messages`, { method: 'POST', body: batch, token: wsToken });
    expect(await expectJson(posted, 200)).toEqual({ persisted: 1, duplicates: 0 });
    expect(await heartbeat(answer.callbackToken!, [ws.workspaceId])).toEqual({ ok: true });
  });

  it('lists no workspace tokens when the heartbeat lists no workspaces', async () => {
    const answer = await heartbeat(await signCallbackToken(deps(), ws.nodeId, HOUR_MS), []);
    expect(answer.callbackToken).toEqual(expect.any(String));
    expect(answer.workspaceTokens).toEqual({});
  });

  it('does not turn a workspace-scoped token into a node token: the heartbeat refuses it (403)', async () => {
    const aging = await signCallbackToken(deps(), ws.nodeId, HOUR_MS, ws.workspaceId);
    const error = await heartbeat(aging, [ws.workspaceId], 403);
    expect(error).not.toHaveProperty('callbackToken');
  });

  it('answers 401 for an expired node token', async () => {
    const expired = await signCallbackToken(deps(), ws.nodeId, -60_000);
    const error = await heartbeat(expired, [ws.workspaceId], 401);
    expect(error).not.toHaveProperty('callbackToken');
  });
});
