/**
 * Gemini's `generateContent` and `streamGenerateContent` (`?alt=sse`), as Gemini CLI calls them:
 * reading a request (offered functions, function responses so far, user texts, a JSON response
 * schema) and writing the answer — one `GenerateContentResponse`, or SSE chunks of them, the
 * last with `finishReason` and `usageMetadata` (Gemini API reference, "Generating content").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { uniqueId } from '../fake-anthropic/assistant-message.js';
import { sendJson, waitUnlessClosed } from '../fake-anthropic/http-util.js';
import type { ModelAnswer } from '../fake-model/script.js';
import { startEventStream, writeEventsAndEnd } from '../fake-model/sse.js';
import type { ReportedUsage } from '../fake-model/types.js';
import type { ResponseSchema } from './json-schema.js';

/** A content of a Gemini request, as far as the fake reads it. */
interface Content {
  role?: string;
  parts?: Array<{ text?: unknown; functionResponse?: unknown; functionCall?: unknown }>;
}

/** The request's contents. */
function contentsOf(body: Record<string, unknown>): Content[] {
  return Array.isArray(body.contents) ? (body.contents as Content[]) : [];
}

/** Names of the functions a request declares (`tools[].functionDeclarations[].name`). */
export function geminiToolNames(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ functionDeclarations?: Array<{ name?: unknown }> }>) : [];
  return tools.flatMap((tool) => (tool.functionDeclarations ?? []).map((declaration) => String(declaration.name ?? '')));
}

/** Number of function responses (tool results) in the contents. */
export function geminiToolResults(body: Record<string, unknown>): number {
  return contentsOf(body).flatMap((content) => content.parts ?? []).filter((part) => part.functionResponse !== undefined).length;
}

/** The texts of the user contents that carry text (not only function responses), in order. */
export function geminiUserTexts(body: Record<string, unknown>): string[] {
  return contentsOf(body)
    .filter((content) => content.role === 'user')
    .map((content) => (content.parts ?? []).flatMap((part) => (typeof part.text === 'string' ? [part.text] : [])).join('\n'))
    .filter((text) => text !== '');
}

/** The generation config (`generationConfig`, or `config` as some clients name it). */
function generationConfig(body: Record<string, unknown>): Record<string, unknown> {
  const config = body.generationConfig ?? body.config;
  return typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
}

/**
 * The JSON response schema a request asks for, `{}` when it asks for JSON without one
 * (`responseMimeType: application/json`), or undefined when it asks for no JSON.
 */
export function geminiResponseSchema(body: Record<string, unknown>): ResponseSchema | undefined {
  const config = generationConfig(body);
  const schema = config.responseJsonSchema ?? config.responseSchema;
  if (typeof schema === 'object' && schema !== null) return schema as ResponseSchema;
  return config.responseMimeType === 'application/json' ? {} : undefined;
}

/** Gemini's `usageMetadata` for `usage`. */
function usageMetadata(usage: ReportedUsage): Record<string, unknown> {
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    cachedContentTokenCount: usage.cachedTokens,
  };
}

/**
 * Answers a `generateContent` (`stream` false) or `streamGenerateContent` (`stream` true) call
 * with `answer`. Streaming: the head at once; after `answer.delayMs` a chunk with the text (when
 * any), then a chunk with the function call (when any), `finishReason: STOP` and usage. Nothing
 * more is sent when the client goes away during the delay.
 *
 * @param model the model named in the path
 * @param usage the usage to report
 */
export async function answerGenerateContent(
  req: IncomingMessage,
  res: ServerResponse,
  stream: boolean,
  model: string,
  answer: ModelAnswer,
  usage: ReportedUsage,
): Promise<void> {
  const responseId = uniqueId('resp');
  const response = (parts: unknown[], last: boolean) => ({
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
    ...(last ? { usageMetadata: usageMetadata(usage) } : {}),
    modelVersion: model,
    responseId,
  });
  const textPart = answer.text ? [{ text: answer.text }] : [];
  const callPart = answer.toolCall ? [{ functionCall: { name: answer.toolCall.name, args: answer.toolCall.arguments } }] : [];
  if (!stream) {
    if (await waitUnlessClosed(res, answer.delayMs)) sendJson(req, res, 200, response([...textPart, ...callPart], true));
    return;
  }
  startEventStream(res);
  const chunks = textPart.length > 0 && callPart.length > 0 ? [response(textPart, false), response(callPart, true)] : [response([...textPart, ...callPart], true)];
  if (await waitUnlessClosed(res, answer.delayMs)) writeEventsAndEnd(res, chunks.map((data) => ({ data })));
}
