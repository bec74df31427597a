import type { ServerResponse } from 'node:http';
import type { AssistantBlock, AssistantMessage } from './assistant-message.js';

/** Largest piece of text or JSON sent in one delta event, in characters. */
const DELTA_SIZE = 48;

/** Splits text into pieces of at most DELTA_SIZE characters (at least one piece). */
function pieces(text: string): string[] {
  const result: string[] = [];
  for (let i = 0; i < text.length; i += DELTA_SIZE) result.push(text.slice(i, i + DELTA_SIZE));
  return result.length > 0 ? result : [''];
}

/** Writes one server-sent event; returns false when the connection is gone. */
function writeEvent(res: ServerResponse, type: string, data: object): boolean {
  if (res.destroyed || res.writableEnded) return false;
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  return true;
}

/** The start, delta and stop events of one content block. */
function blockEvents(block: AssistantBlock, index: number): Array<[string, object]> {
  const events: Array<[string, object]> = [];
  if (block.type === 'text') {
    events.push(['content_block_start', { index, content_block: { type: 'text', text: '' } }]);
    for (const text of pieces(block.text)) events.push(['content_block_delta', { index, delta: { type: 'text_delta', text } }]);
  } else {
    events.push(['content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }]);
    for (const partial_json of pieces(JSON.stringify(block.input ?? {}))) {
      events.push(['content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }]);
    }
  }
  events.push(['content_block_stop', { index }]);
  return events;
}

/** Writes the SSE response head plus `message_start` and a `ping`. */
export function startMessageStream(res: ServerResponse, message: AssistantMessage): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': `req_${message.id}`,
  });
  const { content: _content, stop_reason: _stop, ...rest } = message;
  writeEvent(res, 'message_start', {
    message: { ...rest, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  writeEvent(res, 'ping', {});
}

/**
 * Writes the content blocks, `message_delta` (stop_reason and usage) and `message_stop`, then
 * ends the response. Stops quietly when the client has gone away.
 */
export function finishMessageStream(res: ServerResponse, message: AssistantMessage): void {
  const events = message.content.flatMap((block, index) => blockEvents(block, index));
  events.push(['message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence }, usage: { output_tokens: message.usage.output_tokens } }]);
  events.push(['message_stop', {}]);
  for (const [type, data] of events) {
    if (!writeEvent(res, type, data)) return;
  }
  res.end();
}
