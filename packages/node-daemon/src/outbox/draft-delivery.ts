/**
 * Delivery of drafts — the text of a message its agent is still writing — to the control plane,
 * so the project chat shows it as it is written (issue 13 item 5). The outbox keeps one draft per
 * workspace (`outbox_drafts`, replaced in place, so an unreachable control plane never makes a
 * backlog of them); this sends its latest version, marked `draft: true`, at most once per
 * `MSG_DRAFT_INTERVAL_MS` per message, and only when the workspace has no message waiting (so a
 * draft never overtakes the messages before it, and the final message, which deletes the draft,
 * always comes after the last draft). A failed send is not retried on its own: the next version,
 * or the timer the outbox sets, sends the latest text then.
 */
import type { Logger } from '@flotilla/kit';
import { errorMessage } from '@flotilla/kit';
import { attemptOnce } from './deliver-batch.js';
import type { SendMessages } from './sender.js';
import type { OutboxStore } from './store.js';

/** What {@link deliverDraft} did. */
export type DraftStep =
  /** Nothing to send: no draft, or the control plane has its latest version. */
  | { kind: 'idle' }
  /** The draft was delivered (or refused for good): look for more work. */
  | { kind: 'sent' }
  /** Try again in `delayMs` (too soon after the last send, or the send failed). */
  | { kind: 'later'; delayMs: number };

export interface DeliverDraftOptions {
  store: OutboxStore;
  workspaceId: string;
  send: SendMessages;
  signal: AbortSignal;
  /** MSG_DRAFT_INTERVAL_MS. */
  intervalMs: number;
  /** Delay after a failed send, in ms (MSG_RETRY_INITIAL_INTERVAL_MS). */
  retryDelayMs: number;
  logger: Logger;
  now?: () => number;
}

/** Send the draft of `workspaceId` once when it is due. Never throws. */
export async function deliverDraft(options: DeliverDraftOptions): Promise<DraftStep> {
  const { store, workspaceId, logger } = options;
  const now = options.now ?? Date.now;
  const draft = store.unsentDraft(workspaceId);
  if (!draft) return { kind: 'idle' };
  const dueInMs = draft.sentAtMs + options.intervalMs - now();
  if (draft.sentAtMs > 0 && dueInMs > 0) return { kind: 'later', delayMs: dueInMs };
  const outcome = await attemptOnce({ workspaceId, messages: [{ ...draft.message, draft: true }], send: options.send, signal: options.signal });
  if (outcome.kind === 'delivered' || outcome.kind === 'rejected') {
    if (outcome.kind === 'rejected') logger.warn('draft refused by the control plane', { workspaceId, messageId: draft.messageId, error: outcome.error.message });
    store.markDraftSent(workspaceId, draft.messageId, draft.version, now());
    return { kind: 'sent' };
  }
  if (outcome.kind === 'deferred') logger.debug('draft not delivered; trying again later', { workspaceId, messageId: draft.messageId, error: errorMessage(outcome.error) });
  return { kind: 'later', delayMs: Math.max(options.retryDelayMs, options.intervalMs) };
}
