/**
 * The first prompt of a resumed task's new agent (issue 15 item 3): the conversation so far —
 * the user's prompts and the agent's answers from the task's chat session, newest kept, at most
 * RESUME_CONTEXT_MAX_CHARS characters — quoted as context, then the follow-up itself, as the user
 * wrote it. Works for every agent type: the agent gets it as an ordinary prompt. Tool calls,
 * thinking, plans and system notes are left out (the branch holds what the tools did).
 *
 * Every earlier line is quoted (`> `), so an agent that acts on lines of its prompt (the scripted
 * agent of the tests, or a human skimming it) tells the history from the new request.
 */
import type { ChatMessage } from '@flotilla/contracts';
import { permanentFailure } from '@flotilla/kit';
import type { Deps } from '../deps.js';

/** How many chat messages one read from ProjectData brings (the history is read newest first). */
const HISTORY_PAGE_SIZE = 200;

/** The roles whose messages are the conversation: what the user said and what the agent answered. */
const CONVERSATION_ROLES: ReadonlySet<ChatMessage['role']> = new Set(['user', 'assistant']);

const LEFT_OUT = '[…]';

/**
 * The prompt that resumes a conversation.
 * @param history the chat session's messages before the follow-up, oldest first (any roles;
 *   only `user` and `assistant` are used; consecutive answers of the agent are joined)
 * @param followUp the follow-up prompt, handed on unchanged after the history
 * @param maxChars most characters of history kept (newest kept; an older message cut at its start)
 * @returns the prompt text
 */
export function composeResumePrompt(history: readonly ChatMessage[], followUp: string, maxChars: number): string {
  const turns: Array<{ role: 'user' | 'assistant'; text: string }> = [];
  for (const message of history) {
    if (!CONVERSATION_ROLES.has(message.role) || message.content.trim() === '') continue;
    const role = message.role === 'user' ? 'user' : 'assistant';
    const last = turns.at(-1);
    if (last?.role === role && role === 'assistant') last.text += `\n${message.content}`;
    else turns.push({ role, text: message.content });
  }
  const kept: string[] = [];
  let budget = maxChars;
  let shortened = false;
  for (let index = turns.length - 1; index >= 0 && budget > 0; index -= 1) {
    const turn = turns[index];
    if (!turn) continue;
    const fits = turn.text.length <= budget;
    shortened ||= !fits;
    const text = fits ? turn.text : `${LEFT_OUT} ${turn.text.slice(turn.text.length - budget)}`;
    budget -= turn.text.length;
    kept.unshift(`${turn.role === 'user' ? 'The user wrote:' : 'You answered:'}\n${quote(text)}`);
  }
  if (kept.length === 0) return followUp;
  const leftOut = shortened || kept.length < turns.length;
  return [
    'You are continuing earlier work on this task in a new workspace: the branch you are on holds the commits of the earlier turns.',
    `The conversation so far, oldest first${leftOut ? ' (its oldest part left out)' : ''}, quoted:`,
    '',
    kept.join('\n\n'),
    '',
    'The user now writes:',
    '',
    followUp,
  ].join('\n');
}

/** Every line of `text` quoted with `> `. */
function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? `> ${line}` : '>'))
    .join('\n');
}

/**
 * Read the chat session's history before the follow-up `messageId` from ProjectData (newest
 * first, pages of {@link HISTORY_PAGE_SIZE}, stopping once RESUME_CONTEXT_MAX_CHARS of
 * conversation are in hand) and compose the prompt around the follow-up's stored text.
 * @returns the composed prompt, and the follow-up's text alone (the first prompt of an agent that
 *   resumes its own session with ACP `session/load`, session-archives/)
 * @throws FlotillaError permanentFailure when the task has no chat session or the follow-up is not in it
 */
export async function buildResumePrompt(
  deps: Pick<Deps, 'stubs' | 'config'>,
  at: { projectId: string; chatSessionId: string | null; messageId: string },
): Promise<{ prompt: string; followUp: string }> {
  if (!at.chatSessionId) throw permanentFailure('the resumed task has no chat session');
  const data = deps.stubs.projectData(at.projectId);
  const maxChars = deps.config.RESUME_CONTEXT_MAX_CHARS;
  const before: ChatMessage[] = [];
  let followUp: ChatMessage | undefined;
  let conversationChars = 0;
  let cursor = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const page = await data.listMessagesBefore(at.chatSessionId, cursor, HISTORY_PAGE_SIZE);
    for (const message of [...page].reverse()) {
      if (!followUp) {
        if (message.messageId === at.messageId) followUp = message;
        continue;
      }
      before.unshift(message);
      if (CONVERSATION_ROLES.has(message.role)) conversationChars += message.content.length;
    }
    const oldest = page[0];
    if (!oldest || page.length < HISTORY_PAGE_SIZE || (followUp && conversationChars >= maxChars)) break;
    cursor = oldest.seq;
  }
  if (!followUp) throw permanentFailure(`the follow-up ${at.messageId} that resumed the task is not in chat session ${at.chatSessionId}`);
  return { prompt: composeResumePrompt(before, followUp.content, maxChars), followUp: followUp.content };
}
