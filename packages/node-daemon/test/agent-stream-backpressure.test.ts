/**
 * A direct-channel viewer that stops reading (a stalled browser tab) does not make the daemon
 * buffer without bound: past AGENT_STREAM_MAX_BUFFERED_BYTES of unsent data it is disconnected
 * (close 1013, or the socket destroyed when even the close frame cannot get out), and a new
 * connection with `after` = the last seq it received gets every later update. Real daemon
 * process, real scripted agent (12 MB of updates), this test's control plane is the fake one.
 */
import type { Socket } from 'node:net';
import type { AgentStreamEvent } from '@flotilla/contracts';
import { JwtAudience, JWT_ISSUER } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, startAgentWorkspace } from '@flotilla/testkit/daemon';
import WebSocket from 'ws';

const NODE_ID = 'nod_backpressure';
const CHUNKS = 600;
const CHUNK = 'x'.repeat(20_000);
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({ nodeId: NODE_ID, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(NODE_ID), env: { AGENT_STREAM_MAX_BUFFERED_BYTES: String(256 * 1024) } });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

function connect(workspaceId: string, token: string, after: number) {
  const events: AgentStreamEvent[] = [];
  const socket = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/${workspaceId}/agent/ws?token=${token}&after=${after}`);
  socket.on('message', (data: Buffer) => events.push(JSON.parse(data.toString('utf8')) as AgentStreamEvent));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, events, closed, opened };
}

const seqs = (events: AgentStreamEvent[]) => events.flatMap((e) => (e.type === 'update' ? [e.seq] : []));
const bigChunks = (events: AgentStreamEvent[]) =>
  events.filter((e) => e.type === 'update' && e.update.sessionUpdate === 'agent_message_chunk' && (e.update['content'] as { text: string }).text === CHUNK).length;

describe('a direct-channel viewer that stops reading', () => {
  it('is disconnected past the limit, and resumes from its last seq without a gap', async () => {
    const { workspaceId } = await startAgentWorkspace(api, cp, { nodeId: NODE_ID, prompt: `sleep: 1500\nchunks: ${CHUNKS} ${CHUNK}\nsay: the end` });
    const token = await cp.sign({ aud: JwtAudience.workspaceTerminal, sub: NODE_ID, iss: JWT_ISSUER, workspaceId });

    // A viewer that connects, then stops reading from its TCP socket.
    const slow = connect(workspaceId, token, 0);
    await slow.opened;
    (slow.socket as unknown as { _socket: Socket })._socket.pause();
    await cp.waitFor(() => (daemon.logs().includes('viewer too slow; disconnected') ? true : undefined), 60_000, 'the daemon cutting the slow viewer');
    (slow.socket as unknown as { _socket: Socket })._socket.resume();
    expect([1013, 1006]).toContain(await slow.closed);
    const received = seqs(slow.events);
    expect(received.length).toBeLessThan(CHUNKS);

    // It comes back from its last seq and misses nothing.
    const last = received.at(-1) ?? 0;
    const again = connect(workspaceId, token, last);
    await cp.waitFor(
      () => (again.events.some((e) => e.type === 'update' && e.update.sessionUpdate === 'agent_message_chunk' && (e.update['content'] as { text: string }).text === 'the end') ? true : undefined),
      60_000,
      'the rest of the stream',
    );
    const resumed = seqs(again.events);
    expect(resumed[0]).toBe(last + 1);
    const all = [...received, ...resumed];
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => (all[0] ?? 1) + i));
    expect(bigChunks(slow.events) + bigChunks(again.events)).toBe(CHUNKS);
    again.socket.close();
  }, 150_000); // its two waits may take up to 60 s each on a loaded machine
});
