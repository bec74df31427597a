/**
 * Sending the direct channel's events to one viewer without letting a stalled viewer grow the
 * daemon's memory: an event is sent only while the socket is open and holds at most
 * AGENT_STREAM_MAX_BUFFERED_BYTES not yet taken by the viewer; past that the viewer is cut — close
 * code 1013 (RFC 6455 "Try Again Later"), and its socket destroyed after a grace period when even
 * the close frame cannot get out. The viewer resumes with `after` = the last `seq` it received.
 */
import { WebSocket } from 'ws';

/** Close code for a viewer cut for falling behind (RFC 6455 registry: "Try Again Later"). */
export const SLOW_VIEWER_CLOSE_CODE = 1013;
/** Default time a cut viewer gets to complete the close handshake before its socket is destroyed, in ms. */
export const SLOW_VIEWER_TERMINATE_MS = 2000;

/** What the sender needs of a `ws` WebSocket. */
export interface ViewerSocket {
  readonly readyState: number;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface ViewerSenderOptions {
  /** AGENT_STREAM_MAX_BUFFERED_BYTES: unsent bytes to the viewer beyond which it is cut. */
  maxBufferedBytes: number;
  /** Grace for the close handshake of a cut viewer, in ms (default {@link SLOW_VIEWER_TERMINATE_MS}). */
  terminateAfterMs?: number;
  /** Told once, when the viewer is cut, how many bytes it had not taken. */
  onCut: (bufferedBytes: number) => void;
}

/**
 * A function sending one event (as JSON text) to `socket`, or cutting the viewer when it has
 * fallen behind. Events to a socket that is no longer open are dropped.
 */
export function createViewerSender<E>(socket: ViewerSocket, options: ViewerSenderOptions): (event: E) => void {
  return (event) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      options.onCut(socket.bufferedAmount);
      socket.close(SLOW_VIEWER_CLOSE_CODE, 'viewer too slow: reconnect with after=<last seq received>');
      setTimeout(() => socket.terminate(), options.terminateAfterMs ?? SLOW_VIEWER_TERMINATE_MS).unref();
      return;
    }
    socket.send(JSON.stringify(event));
  };
}
