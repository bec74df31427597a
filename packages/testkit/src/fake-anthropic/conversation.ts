import type { MessagesRequestBody, RecordedRequest } from './types.js';

/** True when the request is a `POST /v1/messages` call (any query string). */
export function isMessagesRequest(request: RecordedRequest): boolean {
  const pathname = request.path.split('?')[0];
  return request.method === 'POST' && pathname === '/v1/messages';
}

/** The request body as a Messages API body (empty object when it is not one). */
export function messagesBody(request: RecordedRequest): MessagesRequestBody {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as MessagesRequestBody) : {};
}

/**
 * Opening of the user message Claude Code appends when it forks the main conversation to
 * predict the user's next prompt ("prompt suggestions", run after each turn). Such a fork offers
 * the same tools as the main conversation but is not part of it.
 */
const SUGGESTION_MODE_MARKER = '[SUGGESTION MODE:';

/**
 * True when the request belongs to the main conversation: a `POST /v1/messages` that offers
 * tools and is not a prompt-suggestion fork (last message starting with `[SUGGESTION MODE:`).
 * Claude Code's other side calls (session title generation, small-model helpers) offer no tools.
 */
export function isMainConversationRequest(request: RecordedRequest): boolean {
  if (!isMessagesRequest(request)) return false;
  const body = messagesBody(request);
  if ((body.tools?.length ?? 0) === 0) return false;
  const last = body.messages?.at(-1);
  const lastText = last?.role === 'user' ? textBlocks(last.content).join('\n').trimStart() : '';
  return !lastText.startsWith(SUGGESTION_MODE_MARKER);
}

/** Number of assistant messages already in the conversation: the index of the next turn. */
export function assistantTurnCount(body: MessagesRequestBody): number {
  return (body.messages ?? []).filter((message) => message.role === 'assistant').length;
}

/** Text blocks of a message's content (a string counts as one text block). */
function textBlocks(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block: unknown) => {
    if (typeof block !== 'object' || block === null) return [];
    const { type, text } = block as { type?: unknown; text?: unknown };
    return type === 'text' && typeof text === 'string' ? [text] : [];
  });
}

/** Removes `<system-reminder>…</system-reminder>` sections and trims the rest. */
export function stripSystemReminders(text: string): string {
  return text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
}

/**
 * The user's own text in the first user message of a Messages API body: text blocks that are
 * only injected reminders are dropped, reminders inside blocks are removed, the rest is joined
 * with "\n".
 *
 * @returns the prompt text, or undefined when the body has no user message
 */
export function userPromptOf(body: MessagesRequestBody): string | undefined {
  const first = (body.messages ?? []).find((message) => message.role === 'user');
  if (!first) return undefined;
  return textBlocks(first.content)
    .map(stripSystemReminders)
    .filter((text) => text.length > 0)
    .join('\n');
}
