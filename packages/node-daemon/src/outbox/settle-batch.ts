/**
 * What the outbox does with a batch once its delivery has an outcome: an acknowledged batch is
 * deleted; a refused one is deleted with a warning naming how many messages of which workspace
 * were dropped and why (outbox issue: "Permanent error → delete that batch with a warning"); a
 * deferred one stays and is tried again after `MSG_RETRY_MAX_INTERVAL_MS`, or later when the
 * server's `Retry-After` says so.
 */
import type { Logger } from '@flotilla/kit';
import type { DeliveryOutcome } from './deliver-batch.js';
import type { OutboxStore, StoredMessage } from './store.js';

/**
 * Delete an acknowledged or refused batch from `store` and log it.
 *
 * @returns true when the batch is gone (the next one may be sent); false for `deferred` and
 *   `aborted`, which leave the rows untouched.
 */
export function settleBatch(
  store: OutboxStore,
  logger: Logger,
  workspaceId: string,
  batch: readonly StoredMessage[],
  outcome: DeliveryOutcome,
): boolean {
  if (outcome.kind === 'delivered') {
    store.deleteByIds(batch.map((row) => row.id));
    logger.debug('message batch delivered', {
      workspaceId,
      messages: batch.length,
      persisted: outcome.result.persisted,
      duplicates: outcome.result.duplicates,
      attempts: outcome.attempts,
    });
    return true;
  }
  if (outcome.kind === 'rejected') {
    store.deleteByIds(batch.map((row) => row.id));
    logger.warn(`dropped ${batch.length} message(s) of workspace ${workspaceId}: ${outcome.error.message}`, {
      workspaceId,
      dropped: batch.length,
      status: outcome.error.status,
      reason: outcome.error.serverMessage,
    });
    return true;
  }
  return false;
}

/**
 * How long to keep a deferred batch aside before trying it again, in milliseconds: the maximum
 * retry interval, or longer when the server's `Retry-After` reaches further.
 */
export function retryLaterDelayMs(
  outcome: Extract<DeliveryOutcome, { kind: 'deferred' }>,
  retryMaxIntervalMs: number,
  nowMs: number = Date.now(),
): number {
  const serverDelayMs = outcome.notBeforeMs === undefined ? 0 : outcome.notBeforeMs - nowMs;
  return Math.max(retryMaxIntervalMs, serverDelayMs);
}
