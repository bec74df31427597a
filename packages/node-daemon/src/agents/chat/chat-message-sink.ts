/**
 * Where the daemon's chat messages go: the message outbox (`src/outbox/`, `MessageOutbox`)
 * satisfies this. Kept narrow so agent code depends on what it uses, not on the outbox's
 * internals.
 */
import type { ChatMessageInput } from '@flotilla/contracts';

export interface ChatMessageSink {
  /**
   * Store a message durably for delivery to the workspace's chat.
   *
   * @throws when the message is invalid (the outbox's `InvalidMessageError`).
   */
  enqueue(workspaceId: string, message: ChatMessageInput): void;
  /**
   * Keep (or, with null, forget) the message of `workspaceId` still being written — coalesced
   * assistant text — so that a crash before it is enqueued loses none of it: on the next start
   * the outbox delivers it as it was. Enqueueing a message with the same id replaces it.
   */
  saveDraft(workspaceId: string, message: ChatMessageInput | null): void;
  /**
   * Resolve once every message enqueued so far for `workspaceId` has been delivered.
   *
   * @throws (rejects) on timeout or when the outbox stops.
   */
  drain(workspaceId: string, timeoutMs?: number): Promise<void>;
}
