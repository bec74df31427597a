/**
 * The OpenAI Responses API (`POST …/responses`), as Codex calls it: reading a request (offered
 * tools, tool results so far, user texts) and writing the answer — one JSON response, or SSE
 * `response.created`, `response.output_item.added`, text / arguments deltas,
 * `response.output_item.done` and `response.completed` with usage (OpenAI API reference,
 * "Streaming responses").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { uniqueId } from '../fake-anthropic/assistant-message.js';
import { sendJson, waitUnlessClosed } from '../fake-anthropic/http-util.js';
import type { ModelAnswer } from '../fake-model/script.js';
import { startEventStream, writeEvent, writeEventsAndEnd } from '../fake-model/sse.js';
import type { ReportedUsage } from '../fake-model/types.js';

/** An input item of a Responses request, as far as the fake reads it. */
interface InputItem {
  type?: string;
  role?: string;
  content?: unknown;
}

/** Names of the tools a Responses request offers (function tools by name, others by type). */
export function responsesToolNames(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ name?: unknown; type?: unknown }>) : [];
  return tools.map((tool) => String(tool.name ?? tool.type ?? ''));
}

/** The request's input items (a string input counts as one user message). */
function inputItems(body: Record<string, unknown>): InputItem[] {
  if (typeof body.input === 'string') return [{ type: 'message', role: 'user', content: body.input }];
  return Array.isArray(body.input) ? (body.input as InputItem[]) : [];
}

/** Number of tool results (`function_call_output`, `custom_tool_call_output`, …) in the input. */
export function responsesToolResults(body: Record<string, unknown>): number {
  return inputItems(body).filter((item) => /_call_output$/.test(item.type ?? '')).length;
}

/** The texts of the input's user messages, in order, one entry per message. */
export function responsesUserTexts(body: Record<string, unknown>): string[] {
  return inputItems(body)
    .filter((item) => item.role === 'user' && (item.type ?? 'message') === 'message')
    .map((item) => contentText(item.content));
}

/** The text of a message's content: a string, or its `input_text`/`output_text`/`text` parts joined by "\n". */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/** The output items of an answer: a message with the text (when any), then the function call. */
function outputItems(answer: ModelAnswer): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  if (answer.text) {
    items.push({ type: 'message', id: uniqueId('msg'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answer.text, annotations: [] }] });
  }
  if (answer.toolCall) {
    items.push({ type: 'function_call', id: uniqueId('fc'), call_id: uniqueId('call'), name: answer.toolCall.name, arguments: JSON.stringify(answer.toolCall.arguments), status: 'completed' });
  }
  return items;
}

/** The Responses API usage object for `usage`. */
function usageObject(usage: ReportedUsage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** The streaming events of one output item: added (empty), its delta, done. */
function itemEvents(item: Record<string, unknown>, outputIndex: number): Array<Record<string, unknown>> {
  const id = item.id;
  if (item.type === 'message') {
    const text = (item.content as Array<{ text: string }>)[0]?.text ?? '';
    return [
      { type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } },
      { type: 'response.content_part.added', item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
      { type: 'response.output_text.delta', item_id: id, output_index: outputIndex, content_index: 0, delta: text },
      { type: 'response.output_text.done', item_id: id, output_index: outputIndex, content_index: 0, text },
      { type: 'response.content_part.done', item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text, annotations: [] } },
      { type: 'response.output_item.done', output_index: outputIndex, item },
    ];
  }
  return [
    { type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } },
    { type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta: item.arguments },
    { type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, arguments: item.arguments },
    { type: 'response.output_item.done', output_index: outputIndex, item },
  ];
}

/**
 * Answers a Responses request with `answer`: SSE when `body.stream` is true (the head and
 * `response.created` at once, the rest after `answer.delayMs`), else one JSON response after
 * the delay. Nothing more is sent when the client goes away during the delay.
 *
 * @param usage the usage to report (in `response.completed`)
 */
export async function answerResponses(
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  answer: ModelAnswer,
  usage: ReportedUsage,
): Promise<void> {
  const output = outputItems(answer);
  const base = { id: uniqueId('resp'), object: 'response', created_at: Math.floor(Date.now() / 1000), model: String(body.model ?? 'fake-model') };
  const completed = { ...base, status: 'completed', output, usage: usageObject(usage) };
  if (body.stream !== true) {
    if (await waitUnlessClosed(res, answer.delayMs)) sendJson(req, res, 200, completed);
    return;
  }
  startEventStream(res);
  const events: Array<Record<string, unknown>> = [{ type: 'response.created', response: { ...base, status: 'in_progress', output: [] } }];
  events.push(...output.flatMap((item, index) => itemEvents(item, index)));
  events.push({ type: 'response.completed', response: completed });
  const numbered = events.map((data, sequence) => ({ event: String(data.type), data: { ...data, sequence_number: sequence } }));
  const [created, ...rest] = numbered;
  if (created) writeEvent(res, created.data, created.event);
  if (await waitUnlessClosed(res, answer.delayMs)) writeEventsAndEnd(res, rest);
}
