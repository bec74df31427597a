/** Helpers of the fake model APIs' unit tests: posting JSON and reading SSE answers. */

/** POSTs `body` as JSON to `url` with extra headers. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
}

/** One server-sent event: its `event:` name (when any) and its `data:` (parsed JSON, or the text). */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/** Reads a whole SSE response into its events. */
export async function readSse(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  return text
    .split(/\r?\n\r?\n/)
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)?.[1];
      const raw = /^data: (.*)$/m.exec(chunk)?.[1] ?? '';
      let data: unknown = raw;
      try {
        data = JSON.parse(raw) as unknown;
      } catch {
        // `[DONE]` and other plain data stay text
      }
      return event ? { event, data } : { data };
    });
}
