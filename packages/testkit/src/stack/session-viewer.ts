/**
 * A viewer of a project's chat over the public WebSocket
 * (`GET /api/projects/:projectId/sessions/ws?sessionId=&after=`), as the web app would hold one:
 * it records every `messages.new` event of its session, remembers the last sequence number, and
 * can close and reconnect from it.
 */
import { ProjectEvent, type ChatMessage } from '@flotilla/contracts';
import WebSocket from 'ws';

export interface SessionViewer {
  /** Messages of the session received so far, in arrival order (duplicates kept, to be asserted on). */
  readonly received: ChatMessage[];
  /** Every event received, of any session (for isolation checks). */
  readonly events: ProjectEvent[];
  /** Highest `seq` of the session received so far (0 before any). */
  lastSeq(): number;
  /** Why the socket closed (code, reason), or undefined while it is open. */
  closedBy(): string | undefined;
  /**
   * Resolve once `predicate(received)` holds; reject after `timeoutMs` milliseconds, or when the
   * socket closes first.
   */
  waitFor(predicate: (received: ChatMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Open a viewer of one chat session.
 *
 * @param socketUrl from `FlotillaClient.sessionsSocketUrl(projectId, sessionId, after)`.
 * @param sessionId the session whose messages are recorded in `received`.
 * @throws Error (as a rejection) when the connection cannot be opened.
 */
export async function openSessionViewer(socketUrl: string, sessionId: string): Promise<SessionViewer> {
  const received: ChatMessage[] = [];
  const events: ProjectEvent[] = [];
  const listeners = new Set<() => void>();
  let closedBy: string | undefined;
  const socket = new WebSocket(socketUrl);
  socket.on('close', (code: number, reason: Buffer) => {
    closedBy = `the socket closed (code ${code}${reason.length > 0 ? `, ${reason.toString('utf8')}` : ''})`;
    for (const listener of listeners) listener();
  });
  socket.on('message', (data: WebSocket.RawData) => {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
    if (text === 'pong') return;
    const event = ProjectEvent.parse(JSON.parse(text));
    events.push(event);
    if (event.type === 'messages.new' && event.sessionId === sessionId) received.push(...event.messages);
    for (const listener of listeners) listener();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    received,
    events,
    lastSeq: () => received.reduce((max, m) => Math.max(max, m.seq), 0),
    closedBy: () => closedBy,
    waitFor(predicate, timeoutMs = 60_000) {
      if (predicate(received)) return Promise.resolve();
      if (closedBy !== undefined) return Promise.reject(new Error(`viewer of ${sessionId}: ${closedBy}`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`viewer of ${sessionId}: condition not met after ${timeoutMs} ms (${received.length} messages)`));
        }, timeoutMs);
        const check = (): void => {
          const met = predicate(received);
          if (!met && closedBy === undefined) return;
          clearTimeout(timer);
          listeners.delete(check);
          if (met) resolve();
          else reject(new Error(`viewer of ${sessionId}: ${closedBy} before the condition was met (${received.length} messages)`));
        };
        listeners.add(check);
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
