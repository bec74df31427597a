/**
 * A direct-channel viewer that stops reading (a stalled browser tab) does not make the daemon
 * buffer without bound: past AGENT_STREAM_MAX_BUFFERED_BYTES of unsent data it is disconnected
 * (close 1013, or the socket destroyed when even the close frame cannot get out), and a new
 * connection with `after` = the last seq it received gets every later update, with no gap.
 *
 * The cut decision itself is tested in process against a socket whose buffered amount the test
 * sets (src/http/viewer-sender.test.ts). Here it is proven end to end — real daemon process, real
 * scripted agent, the fake control plane — with nothing depending on machine speed or on how much
 * the kernel's socket buffers absorb before the daemon's own buffer grows: the agent streams one
 * batch of updates per prompt, and the test asks for batch after batch until the daemon has cut
 * the stalled viewer, then stops asking. Every wait is for an event.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { AgentSessionInfo, AgentStreamEvent } from '@flotilla/contracts';
import { daemonApi, startAgentWorkspace, startDaemonProcess, startFakeControlPlane, type DaemonApi, type DaemonProcess, type FakeControlPlane } from '@flotilla/testkit/daemon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const NODE_ID = 'nod_backpressure';
const MAX_BUFFERED_BYTES = 256 * 1024;
/** One batch: this many updates of one 64 KiB chunk each (what one prompt makes the agent send). */
const CHUNKS_PER_BATCH = 8;
const CHUNK = 'x'.repeat(64 * 1024);
/** A bound that only a broken daemon reaches (the kernel absorbs a few MB): 2 GB of updates. */
const MAX_BATCHES = 4096;
const EVENT_TIMEOUT_MS = 60_000;

let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({
    nodeId: NODE_ID,
    controlPlaneUrl: cp.url,
    callbackToken: await cp.callbackToken(NODE_ID),
    env: { AGENT_STREAM_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES) },
  });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

/** A viewer of the direct channel from `after`, keeping its events; `until` waits for one that `matches`. */
function connect(workspaceId: string, token: string, after: number) {
  const events: AgentStreamEvent[] = [];
  const waiters = new Set<() => void>();
  const socket = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/${workspaceId}/agent/ws?token=${token}&after=${after}`);
  socket.on('message', (data: Buffer) => {
    events.push(JSON.parse(data.toString('utf8')) as AgentStreamEvent);
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const until = (matches: (event: AgentStreamEvent) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!events.some(matches)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${EVENT_TIMEOUT_MS} ms`));
      }, EVENT_TIMEOUT_MS);
      waiters.add(check);
      check();
    });
  return { socket, events, closed, opened, until };
}

const seqs = (events: AgentStreamEvent[]) => events.flatMap((e) => (e.type === 'update' ? [e.seq] : []));
const textOf = (event: AgentStreamEvent) =>
  event.type === 'update' && event.update.sessionUpdate === 'agent_message_chunk' ? (event.update['content'] as { text: string }).text : undefined;
const bigChunks = (events: AgentStreamEvent[]) => events.filter((event) => textOf(event) === CHUNK).length;

describe('a direct-channel viewer that stops reading', () => {
  it('is disconnected past the limit, and resumes from its last seq without a gap', async () => {
    const agentSessionId = 'as_stream';
    const { workspaceId } = await startAgentWorkspace(api, cp, { nodeId: NODE_ID, agentSessionId, prompt: 'say: ready' });
    const session = `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`;
    const idle = () => cp.waitFor(async () => ((await api.request<AgentSessionInfo>('GET', session)).body.status === 'idle' ? true : undefined), EVENT_TIMEOUT_MS, 'an idle agent');
    await idle();
    const token = await cp.viewerToken(NODE_ID, workspaceId);

    // A viewer that connects, then stops reading from its TCP socket.
    const slow = connect(workspaceId, token, 0);
    await slow.opened;
    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();

    // Batch after batch until the daemon has cut it — however much the kernel absorbs first.
    let cut = false;
    const cutLogged = daemon.waitForLog('viewer too slow; disconnected', MAX_BATCHES * EVENT_TIMEOUT_MS).then(() => {
      cut = true;
    });
    let batches = 0;
    while (!cut) {
      if (batches === MAX_BATCHES) throw new Error(`the stalled viewer was not cut after ${MAX_BATCHES} batches`);
      const asked = await api.request('POST', `${session}/prompt`, { text: `chunks: ${CHUNKS_PER_BATCH} ${CHUNK}`, messageId: randomUUID() });
      expect(asked.status).toBe(202);
      batches += 1;
      await idle();
    }
    await cutLogged;

    // Reading again, the viewer gets what reached it before the cut, then the close.
    tcp.resume();
    expect([1013, 1006]).toContain(await slow.closed);
    const received = seqs(slow.events);
    expect(bigChunks(slow.events)).toBeLessThan(batches * CHUNKS_PER_BATCH);

    // It comes back from its last seq and misses nothing.
    const last = received.at(-1) ?? 0;
    const again = connect(workspaceId, token, last);
    await again.opened;
    await api.request('POST', `${session}/prompt`, { text: 'say: the end', messageId: randomUUID() });
    await again.until((event) => textOf(event) === 'the end', 'end of the stream');
    const resumed = seqs(again.events);
    expect(resumed[0]).toBe(last + 1);
    const all = [...received, ...resumed];
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => (all[0] ?? 1) + i));
    expect(bigChunks(slow.events) + bigChunks(again.events)).toBe(batches * CHUNKS_PER_BATCH);
    again.socket.close();
  }, 600_000); // a bound for a broken daemon only: every step above waits for an event
});
