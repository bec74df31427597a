/**
 * Permission policy `ask` (issue 5 item 6), on the node daemon as a real process with the real
 * scripted agent: the agent's `session/request_permission` for a `write` goes onto the direct
 * channel as `permission.requested` (replayed to a viewer that connects later), waits for a
 * viewer's `{type:"permission"}` answer — the write then happens — and without an answer within
 * PERMISSION_REQUEST_TIMEOUT_MS is rejected (the write does not happen). Wrong answers are refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentSessionInfo, AgentStreamEvent, WorkspaceInfo } from '@flotilla/contracts';
import { JwtAudience, JWT_ISSUER } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, startAgentWorkspace } from '@flotilla/testkit/daemon';
import WebSocket from 'ws';

const NODE_ID = 'nod_ask';
const PERMISSION_TIMEOUT_MS = 4_000;
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({
    nodeId: NODE_ID,
    controlPlaneUrl: cp.url,
    callbackToken: await cp.callbackToken(NODE_ID),
    env: { PERMISSION_REQUEST_TIMEOUT_MS: String(PERMISSION_TIMEOUT_MS) },
  });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

async function waitForStatus(workspaceId: string, status: string, timeoutMs = 30_000): Promise<void> {
  await cp.waitFor(
    async () => ((await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/as_ask`)).body.status === status ? true : undefined),
    timeoutMs,
    `status ${status}`,
  );
}

/** A ready workspace whose agent (policy `ask`) was started with `prompt`; returns its path. */
async function startAskingAgent(prompt: string): Promise<{ workspaceId: string; path: string }> {
  const { workspaceId } = await startAgentWorkspace(api, cp, { nodeId: NODE_ID, prompt, agentSessionId: 'as_ask', permissionPolicy: 'ask' });
  const path = (await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`)).body.path;
  return { workspaceId, path };
}

async function openChannel(workspaceId: string) {
  const token = await cp.sign({ aud: JwtAudience.workspaceTerminal, sub: NODE_ID, iss: JWT_ISSUER, workspaceId });
  const events: AgentStreamEvent[] = [];
  const socket = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/${workspaceId}/agent/ws?token=${token}`);
  socket.on('message', (data: Buffer) => events.push(JSON.parse(data.toString('utf8')) as AgentStreamEvent));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, events };
}

type Requested = Extract<AgentStreamEvent, { type: 'permission.requested' }>;
const requested = (events: AgentStreamEvent[]): Requested | undefined => events.find((e): e is Requested => e.type === 'permission.requested');
const toolStatuses = (events: AgentStreamEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'update' && e.update.sessionUpdate === 'tool_call_update' ? [String(e.update['status'])] : []));

describe('permission policy ask', () => {
  it('puts the request on the direct channel; a viewer allows it and the write happens', async () => {
    const { workspaceId, path } = await startAskingAgent('write asked.txt: allowed by a person\nsay: done');
    // The viewer connects after the request was made: the open request is in the replay.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { socket, events } = await openChannel(workspaceId);
    const request = await cp.waitFor(() => requested(events), 15_000, 'permission request');
    expect(request.toolCall).toMatchObject({ title: 'Write asked.txt', kind: 'edit' });
    expect(request.toolCall.locations[0]?.path).toMatch(/asked\.txt$/);
    expect(request.options.map((o) => o.kind).sort()).toEqual(['allow_once', 'reject_once']);
    expect(existsSync(join(path, 'asked.txt'))).toBe(false);

    // Refused answers: an option the request does not have, a request that is not open, bad shape.
    socket.send(JSON.stringify({ type: 'permission', requestId: request.requestId, optionId: 'nope' }));
    socket.send(JSON.stringify({ type: 'permission', requestId: 'unknown', optionId: 'nope' }));
    socket.send(JSON.stringify({ type: 'permission', requestId: request.requestId }));
    await cp.waitFor(() => (events.filter((e) => e.type === 'error').length === 3 ? true : undefined), 10_000, 'three refusals');
    expect(events.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? e.code : ''))).toEqual(['bad_request', 'not_found', 'bad_request']);

    const allow = request.options.find((o) => o.kind === 'allow_once');
    socket.send(JSON.stringify({ type: 'permission', requestId: request.requestId, optionId: allow?.optionId }));
    const resolved = await cp.waitFor(() => events.find((e) => e.type === 'permission.resolved'), 10_000, 'resolved');
    expect(resolved).toMatchObject({ requestId: request.requestId, optionId: allow?.optionId, by: 'viewer' });
    await waitForStatus(workspaceId, 'idle');
    expect(readFileSync(join(path, 'asked.txt'), 'utf8')).toBe('allowed by a person');
    expect(toolStatuses(events)).toContain('completed');
    socket.close();

    // A viewer connecting now sees no open request.
    const later = await openChannel(workspaceId);
    await cp.waitFor(() => (later.events.some((e) => e.type === 'update') ? true : undefined), 10_000, 'replay');
    expect(requested(later.events)).toBeUndefined();
    later.socket.close();
  });

  it('rejects a request nobody answers within PERMISSION_REQUEST_TIMEOUT_MS', async () => {
    const { workspaceId, path } = await startAskingAgent('write ignored.txt: nobody asked\nsay: after');
    const { socket, events } = await openChannel(workspaceId);
    const request = await cp.waitFor(() => requested(events), 15_000, 'permission request');
    const resolved = await cp.waitFor(() => events.find((e) => e.type === 'permission.resolved'), PERMISSION_TIMEOUT_MS + 10_000, 'timeout');
    const reject = request.options.find((o) => o.kind === 'reject_once');
    expect(resolved).toMatchObject({ requestId: request.requestId, optionId: reject?.optionId, by: 'timeout' });
    await waitForStatus(workspaceId, 'idle');
    expect(existsSync(join(path, 'ignored.txt'))).toBe(false);
    expect(toolStatuses(events)).toContain('failed');
    expect(daemon.logs()).toMatch(/permission request not answered in time: rejected/);
    socket.close();
  });
});
