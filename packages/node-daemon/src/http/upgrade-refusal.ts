/**
 * Refusing a WebSocket upgrade the way the HTTP API refuses a request: the error's status and
 * `{"error":{"code","message"}}` (kit `FlotillaError.toBody`), written on the raw socket before
 * it is closed — an upgrade request never reaches Hono.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FlotillaError } from '@flotilla/kit';

/** Answer an upgrade request with `error` as an HTTP response, then end the socket. */
export function refuseUpgrade(socket: Duplex, error: FlotillaError): void {
  const json = JSON.stringify(error.toBody());
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}
