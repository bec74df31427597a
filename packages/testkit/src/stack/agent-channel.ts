/**
 * A client of a workspace's direct agent channel on its node daemon
 * (`GET {node}/workspaces/:workspaceId/agent/ws?token=&after=`, contracts agent-stream.ts), as the
 * workspace view of the web app holds one: it records every event and can send follow-up prompts.
 */
import { AgentStreamEvent } from '@flotilla/contracts';
import WebSocket from 'ws';

export interface AgentChannel {
  /** Every event received, in order. */
  readonly events: AgentStreamEvent[];
  /** Send a follow-up prompt (`{type:"prompt", text}`) or, for tests of refusals, any frame. */
  send(frame: unknown): void;
  /** Resolve with the first event (from the start) matching `predicate`; reject after `timeoutMs`. */
  waitFor(predicate: (event: AgentStreamEvent) => boolean, timeoutMs?: number): Promise<AgentStreamEvent>;
  close(): Promise<void>;
}

/**
 * Open the direct channel.
 *
 * @param url and `token` from `FlotillaClient.viewerToken`; `after` replays updates after that seq.
 * @throws Error (rejection) carrying the HTTP status when the daemon refuses the upgrade, e.g.
 *   `refused with HTTP 401: {...}`.
 */
export async function openAgentChannel(url: string, token: string | null, after = 0): Promise<AgentChannel> {
  const query = new URLSearchParams({ after: String(after), ...(token === null ? {} : { token }) });
  const socket = new WebSocket(`${url}?${query}`);
  const events: AgentStreamEvent[] = [];
  const listeners = new Set<() => void>();
  socket.on('message', (data: WebSocket.RawData) => {
    events.push(AgentStreamEvent.parse(JSON.parse(String(data))));
    for (const listener of listeners) listener();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => reject(new Error(`refused with HTTP ${response.statusCode}: ${body}`)));
    });
    socket.once('error', reject);
  });
  return {
    events,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    waitFor(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          listeners.delete(onEvent);
          resolve(found);
          return true;
        };
        const onEvent = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(onEvent);
          reject(new Error(`agent channel: no matching event after ${timeoutMs} ms (${events.length} events)`));
        }, timeoutMs);
        if (!check()) listeners.add(onEvent);
      });
    },
    close() {
      if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000, 'viewer done');
      });
    },
  };
}
