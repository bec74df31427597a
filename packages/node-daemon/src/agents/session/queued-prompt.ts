/**
 * The prompts an agent session delivers, in order, one turn each: the initial prompt of the start
 * request first, then the follow-ups — a viewer's over the direct channel, the control plane's
 * over `POST …/prompt`. Where each prompt's chat message comes from (item 6 of issue 11: a prompt
 * is stored once):
 * - a prompt that arrives with a messageId the control plane already stored
 *   (`StartAgentSessionRequest.initialPromptMessageId`, `DeliverFollowUpPromptRequest.messageId`)
 *   is not persisted again;
 * - a prompt the daemon is the first to see is persisted under a fresh messageId: the initial
 *   prompt at once, when the session starts (before the agent exists); a follow-up where the agent
 *   gets it, after the messages of the turn before it.
 */
import { randomUUID } from 'node:crypto';
import type { StartAgentSessionRequest } from '@flotilla/contracts';

export interface QueuedPrompt {
  text: string;
  /** The prompt's chat message id (a UUID, the idempotency key). */
  messageId: string;
  /** `initial`: the start request's; `follow-up`: echoed to direct-channel viewers when delivered. */
  kind: 'initial' | 'follow-up';
  /** Persist the prompt as a `user` chat message when it is delivered. */
  persistOnDelivery: boolean;
}

/**
 * The initial prompt of a start request, and whether the daemon must persist it at once (no
 * `initialPromptMessageId`: the daemon is the first to see it).
 */
export function initialPrompt(request: StartAgentSessionRequest): { prompt: QueuedPrompt; persistNow: boolean } {
  const stored = request.initialPromptMessageId;
  return {
    prompt: { text: request.initialPrompt, messageId: stored ?? randomUUID(), kind: 'initial', persistOnDelivery: false },
    persistNow: stored === undefined,
  };
}

/**
 * A follow-up prompt.
 * @param messageId the id under which the control plane stored it; without one the daemon is the
 *   first to see it (a viewer's prompt) and persists it, under a fresh id, when it is delivered
 */
export function followUpPrompt(text: string, messageId?: string): QueuedPrompt {
  return { text, messageId: messageId ?? randomUUID(), kind: 'follow-up', persistOnDelivery: messageId === undefined };
}
