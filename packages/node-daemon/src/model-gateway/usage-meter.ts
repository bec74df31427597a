/**
 * Meters of the usage a model API reports in its answers, for the upstream kinds (upstream.ts):
 * one for server-sent event streams (eventsource-parser, a well-kept parser of the format) and one
 * for JSON bodies. Both only read: the gateway passes every chunk on to the agent as it comes.
 */
import { createParser } from 'eventsource-parser';
import { emptyUsage, type MeteredUsage, type UsageMeter } from './upstream.js';

/** Whether `value` is a JSON object (what usage readers look into). */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Called with each event's name and parsed data (non-JSON data is skipped); updates `usage`. */
export type SseUsageReader = (event: string | undefined, data: unknown, usage: MeteredUsage) => void;

/** Called with the parsed body (never called when it is not JSON or too large); updates `usage`. */
export type JsonUsageReader = (body: unknown, usage: MeteredUsage) => void;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A meter of an event stream: `read` sees every event. An event larger than `maxBufferBytes` is skipped. */
export function sseUsageMeter(read: SseUsageReader, maxBufferBytes: number): UsageMeter {
  const usage = emptyUsage();
  const decoder = new TextDecoder();
  const parser = createParser({
    maxBufferSize: maxBufferBytes,
    onEvent: (message) => {
      const data = parseJson(message.data);
      if (data !== undefined) read(message.event, data, usage);
    },
    onError: () => parser.reset(),
  });
  return {
    push: (chunk) => parser.feed(decoder.decode(chunk, { stream: true })),
    finish: () => {
      parser.feed(decoder.decode());
      return usage;
    },
  };
}

/** A meter of a JSON body: `read` sees it parsed once it ended; a body over `maxBufferBytes` is not read. */
export function jsonUsageMeter(read: JsonUsageReader, maxBufferBytes: number): UsageMeter {
  const usage = emptyUsage();
  const chunks: Buffer[] = [];
  let bytes = 0;
  return {
    push: (chunk) => {
      bytes += chunk.length;
      if (bytes <= maxBufferBytes) chunks.push(chunk);
    },
    finish: () => {
      if (bytes <= maxBufferBytes) {
        const body = parseJson(Buffer.concat(chunks).toString('utf8'));
        if (body !== undefined) read(body, usage);
      }
      return usage;
    },
  };
}

/** A meter that counts nothing (an answer that is neither). */
export function noUsageMeter(): UsageMeter {
  return { push: () => undefined, finish: emptyUsage };
}
