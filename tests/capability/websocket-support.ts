/** WebSocket checks shared by the capability tests of the API's auth (the API token, sign-in). */
import WebSocket from 'ws';

/**
 * Status of a WebSocket upgrade to `url` with `headers`: 101 when it opens (then closed at once),
 * else the HTTP status of the refusal, or 0 when the connection failed.
 */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      done(101);
    });
    socket.once('unexpected-response', (_request, response) => done(response.statusCode ?? 0));
    socket.once('error', () => done(0));
  });
}
