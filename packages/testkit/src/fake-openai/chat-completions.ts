/**
 * The OpenAI Chat Completions API (`POST …/chat/completions`), as OpenCode, Qwen Code and Cline
 * call it: reading a request (offered tools, tool results so far, user texts) and writing the
 * answer — one `chat.completion`, or SSE `chat.completion.chunk`s ending with a chunk carrying
 * `usage` (sent whether or not `stream_options.include_usage` asked for it) and `[DONE]`
 * (OpenAI API reference, "The chat completion chunk object").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { uniqueId } from '../fake-anthropic/assistant-message.js';
import { sendJson, waitUnlessClosed } from '../fake-anthropic/http-util.js';
import type { ModelAnswer } from '../fake-model/script.js';
import { startEventStream, writeEventsAndEnd } from '../fake-model/sse.js';
import type { ReportedUsage } from '../fake-model/types.js';

/** A message of a Chat Completions request, as far as the fake reads it. */
interface ChatMessage {
  role?: string;
  content?: unknown;
}

/** The request's messages. */
function messagesOf(body: Record<string, unknown>): ChatMessage[] {
  return Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
}

/** Names of the tools a Chat Completions request offers (`tools[].function.name`). */
export function chatToolNames(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ function?: { name?: unknown }; name?: unknown }>) : [];
  return tools.map((tool) => String(tool.function?.name ?? tool.name ?? ''));
}

/** Number of tool results (`role: "tool"` messages) in the conversation. */
export function chatToolResults(body: Record<string, unknown>): number {
  return messagesOf(body).filter((message) => message.role === 'tool').length;
}

/** The texts of the conversation's user messages, in order, one entry per message. */
export function chatUserTexts(body: Record<string, unknown>): string[] {
  return messagesOf(body)
    .filter((message) => message.role === 'user')
    .map((message) => contentText(message.content));
}

/** The text of a message's content: a string, or its text parts joined by "\n". */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: unknown; text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/** The Chat Completions usage object for `usage`. */
function usageObject(usage: ReportedUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
  };
}

/** The assistant message of an answer, with its tool call (when any) and finish reason. */
function assistantMessage(answer: ModelAnswer): { message: Record<string, unknown>; finishReason: string } {
  const toolCalls = answer.toolCall
    ? [{ id: uniqueId('call'), type: 'function', function: { name: answer.toolCall.name, arguments: JSON.stringify(answer.toolCall.arguments) } }]
    : undefined;
  const message = { role: 'assistant', content: answer.text || null, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
  return { message, finishReason: toolCalls ? 'tool_calls' : 'stop' };
}

/**
 * Answers a Chat Completions request with `answer`: SSE chunks when `body.stream` is true (the
 * head at once, the chunks after `answer.delayMs`: role and text, the tool call, the finish
 * reason, usage, `[DONE]`), else one `chat.completion` after the delay. Nothing more is sent
 * when the client goes away during the delay.
 *
 * @param usage the usage to report
 */
export async function answerChatCompletions(
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  answer: ModelAnswer,
  usage: ReportedUsage,
): Promise<void> {
  const { message, finishReason } = assistantMessage(answer);
  const base = { id: uniqueId('chatcmpl'), created: Math.floor(Date.now() / 1000), model: String(body.model ?? 'fake-model') };
  if (body.stream !== true) {
    const completion = { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finishReason }], usage: usageObject(usage) };
    if (await waitUnlessClosed(res, answer.delayMs)) sendJson(req, res, 200, completion);
    return;
  }
  startEventStream(res);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ data: { ...base, object: 'chat.completion.chunk', choices, ...extra } });
  const events = [chunk([{ index: 0, delta: { role: 'assistant', content: answer.text }, finish_reason: null }])];
  const toolCalls = (message.tool_calls ?? []) as Array<Record<string, unknown>>;
  toolCalls.forEach((call, index) => events.push(chunk([{ index: 0, delta: { tool_calls: [{ index, ...call }] }, finish_reason: null }])));
  events.push(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
  events.push(chunk([], { usage: usageObject(usage) }));
  if (await waitUnlessClosed(res, answer.delayMs)) writeEventsAndEnd(res, [...events, { data: '[DONE]' }]);
}
