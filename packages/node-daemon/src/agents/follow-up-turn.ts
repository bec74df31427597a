/**
 * Follow-up prompts to a running agent session (issue 3, direct channel; DESIGN.md §2 hop 4):
 * a prompt a viewer sends while the agent works is queued and delivered as the next
 * `session/prompt` once the current turn ends; a prompt sent to an idle agent (its turn over, the
 * process still alive) starts a new turn at once. Either way the prompt becomes a `user` chat
 * message, persisted through the outbox like every other message, just before the agent gets it.
 */
import { randomUUID } from 'node:crypto';
import type { PromptResponse } from '@agentclientprotocol/sdk';
import { errorMessage } from '@flotilla/kit';
import type { Logger } from '@flotilla/kit';
import { rejectOnExit } from './agent-failure.js';
import type { LiveAgentSession } from './live-agent-session.js';

/** A follow-up prompt accepted from a viewer, not yet delivered. */
export interface QueuedPrompt {
  text: string;
  /** The chat message id the prompt is persisted under (a UUID, the idempotency key). */
  messageId: string;
}

/** Build the queue entry of a follow-up prompt, with `messageId` or a fresh message id. */
export function queuedPrompt(text: string, messageId: string = randomUUID()): QueuedPrompt {
  return { text, messageId };
}

/**
 * Deliver the session's queued follow-up prompts one turn after another until the queue is
 * empty or a turn ends other than with `end_turn`.
 *
 * @returns the stop reason of the last turn delivered, or null when nothing was queued.
 * @throws when the agent exits or the ACP request fails (the caller fails the session).
 */
export async function deliverQueuedPrompts(live: LiveAgentSession, logger: Logger): Promise<PromptResponse['stopReason'] | null> {
  let stopReason: PromptResponse['stopReason'] | null = null;
  for (let next = live.queuedPrompts.shift(); next; next = live.queuedPrompts.shift()) {
    if (!live.acp || !live.process || !live.chat) throw new Error('the agent session is not connected');
    live.chat.emit(live.chat.translator.userPrompt(next.text, next.messageId));
    // Viewers of the direct channel see the prompt where the agent got it.
    live.updates.push({ sessionUpdate: 'user_message_chunk', content: { type: 'text', text: next.text } });
    logger.info('delivering a follow-up prompt', { messageId: next.messageId, chars: next.text.length });
    const response = await Promise.race([live.acp.prompt(next.text), rejectOnExit(live.process)]);
    live.chat.emit(live.chat.translator.flush());
    stopReason = response.stopReason;
    if (stopReason !== 'end_turn' || live.stopRequested) return stopReason;
  }
  return stopReason;
}

/**
 * Run follow-up turns on an idle session (its initial turn is over): status `running` while the
 * agent works, `idle` again after `end_turn`; any other ending fails the session and stops the
 * agent. Never throws.
 *
 * @param setStatus records the session status (agent-session store).
 */
export async function runFollowUpTurns(
  live: LiveAgentSession,
  setStatus: (status: 'running' | 'idle' | 'failed', error?: string | null) => void,
  killTimeoutMs: number,
  logger: Logger,
): Promise<void> {
  live.turnActive = true;
  setStatus('running');
  try {
    const stopReason = await deliverQueuedPrompts(live, logger);
    if (live.stopRequested) return;
    if (stopReason === null || stopReason === 'end_turn') {
      setStatus('idle');
      return;
    }
    setStatus('failed', `the agent ended a follow-up turn with stop reason "${stopReason}"`);
    await live.stop(killTimeoutMs);
  } catch (error) {
    if (live.stopRequested) return;
    logger.warn('follow-up turn failed', { error: errorMessage(error) });
    setStatus('failed', errorMessage(error));
    await live.stop(killTimeoutMs);
  } finally {
    live.turnActive = false;
  }
}
