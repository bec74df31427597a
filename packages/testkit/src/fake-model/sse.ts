/** Server-sent events for the fake model APIs: the response head and one event at a time. */
import type { ServerResponse } from 'node:http';

/** Writes the head of an SSE response (status 200) and sends it at once, before any event. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}

/**
 * Writes one event: an `event:` line when `event` is given, then `data:` with `data` as JSON
 * (or as is when it is a string, e.g. `[DONE]`).
 *
 * @returns false when the client has gone away (nothing written)
 */
export function writeEvent(res: ServerResponse, data: unknown, event?: string): boolean {
  if (res.destroyed || res.writableEnded) return false;
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
  return true;
}

/** Writes every event in order, then ends the response; stops quietly when the client goes away. */
export function writeEventsAndEnd(res: ServerResponse, events: ReadonlyArray<{ data: unknown; event?: string }>): void {
  for (const { data, event } of events) {
    if (!writeEvent(res, data, event)) return;
  }
  res.end();
}
