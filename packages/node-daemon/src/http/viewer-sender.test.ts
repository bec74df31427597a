/**
 * The cut decision of the direct channel, in process: a socket whose buffered amount the test
 * sets stands in for a viewer that stopped reading, so nothing depends on how much the kernel's
 * buffers absorb or how fast the machine is.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SLOW_VIEWER_CLOSE_CODE, createViewerSender, type ViewerSocket } from './viewer-sender.js';

/** A viewer socket whose `bufferedAmount` the test controls; it records what the sender does. */
function viewerSocket(): ViewerSocket & { readyState: number; bufferedAmount: number; sent: string[]; closed: { code: number; reason: string } | null; terminated: Promise<void> } {
  let terminate!: () => void;
  const socket = {
    readyState: WebSocket.OPEN as number,
    bufferedAmount: 0,
    sent: [] as string[],
    closed: null as { code: number; reason: string } | null,
    terminated: new Promise<void>((resolve) => (terminate = resolve)),
    send(data: string) {
      socket.sent.push(data);
    },
    close(code: number, reason: string) {
      socket.closed = { code, reason };
      socket.readyState = WebSocket.CLOSING;
    },
    terminate: () => terminate(),
  };
  return socket;
}

describe('createViewerSender', () => {
  it('sends while the viewer takes what it is sent, up to the limit included', () => {
    const socket = viewerSocket();
    const send = createViewerSender<{ seq: number }>(socket, { maxBufferedBytes: 1024, onCut: () => expect.fail('not cut') });
    send({ seq: 1 });
    socket.bufferedAmount = 1024;
    send({ seq: 2 });
    expect(socket.sent).toEqual(['{"seq":1}', '{"seq":2}']);
    expect(socket.closed).toBeNull();
  });

  it('cuts a viewer past the limit once — close 1013, then the socket destroyed — and sends it nothing more', async () => {
    const socket = viewerSocket();
    const cuts: number[] = [];
    const send = createViewerSender<{ seq: number }>(socket, { maxBufferedBytes: 1024, terminateAfterMs: 10, onCut: (bytes) => cuts.push(bytes) });
    send({ seq: 1 });
    socket.bufferedAmount = 1025;
    send({ seq: 2 });
    send({ seq: 3 });
    expect(socket.sent).toEqual(['{"seq":1}']);
    expect(cuts).toEqual([1025]);
    expect(socket.closed).toEqual({ code: SLOW_VIEWER_CLOSE_CODE, reason: expect.stringContaining('after=') });
    await socket.terminated;
  });

  it('drops events to a socket that is no longer open', () => {
    const socket = viewerSocket();
    socket.readyState = WebSocket.CLOSED;
    createViewerSender(socket, { maxBufferedBytes: 1024, onCut: () => expect.fail('not cut') })({ seq: 1 });
    expect(socket.sent).toEqual([]);
  });
});
