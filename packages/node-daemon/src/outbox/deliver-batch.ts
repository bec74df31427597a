/**
 * Deliver one batch with retries (the kit's `retry`, the one backoff): exponential backoff with
 * jitter between `MSG_RETRY_INITIAL_INTERVAL_MS` and `MSG_RETRY_MAX_INTERVAL_MS`, a server's
 * `Retry-After` in place of the backoff when it gives one, and at most
 * `MSG_RETRY_MAX_ELAPSED_TIME_MS` spent on the batch. A permanent failure ends the retries at once.
 *
 * Never throws: the result says what happened and the outbox decides what to do with the rows.
 */
import type { ChatMessageInput, PersistMessageBatchResponse } from '@flotilla/contracts';
import { errorMessage, retry } from '@flotilla/kit';
import type { OutboxConfig } from './config.js';
import { PermanentSendError, TransientSendError } from './errors.js';
import type { Logger } from '@flotilla/kit';
import type { SendMessages } from './sender.js';

export type DeliveryOutcome =
  /** The control plane acknowledged the batch. */
  | { kind: 'delivered'; result: PersistMessageBatchResponse; attempts: number }
  /** The control plane refused the batch for good. */
  | { kind: 'rejected'; error: PermanentSendError; attempts: number }
  /**
   * The retry time ran out (or an unexpected error occurred). `notBeforeMs` (epoch ms) is set when
   * the server's last `Retry-After` reaches past now.
   */
  | { kind: 'deferred'; error: unknown; attempts: number; notBeforeMs?: number }
  /** `signal` was aborted (the outbox is stopping). */
  | { kind: 'aborted'; attempts: number };

export interface DeliverBatchOptions {
  workspaceId: string;
  messages: readonly ChatMessageInput[];
  send: SendMessages;
  config: OutboxConfig;
  logger: Logger;
  /** Aborts the request in flight and any backoff wait. */
  signal: AbortSignal;
  /** Called before every attempt (the outbox counts attempts per row). */
  onAttempt?: () => void;
}

/**
 * The server's requested delay in ms, when the error carries a positive one. `Retry-After: 0`
 * counts as no request, so a server answering it repeatedly still gets the backoff.
 */
function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof TransientSendError)) return undefined;
  const { retryAfterMs } = error;
  return retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : undefined;
}

/**
 * Send `messages` until the control plane acknowledges them, refuses them for good, the retry
 * time runs out, or `signal` aborts.
 */
export async function deliverBatch(options: DeliverBatchOptions): Promise<DeliveryOutcome> {
  const { workspaceId, messages, send, config, logger, signal } = options;
  let attempts = 0;
  let notBeforeMs: number | undefined;

  try {
    const result = await retry(
      () => {
        attempts += 1;
        options.onAttempt?.();
        return send(workspaceId, messages, signal);
      },
      {
        minDelayMs: config.retryInitialIntervalMs,
        maxDelayMs: config.retryMaxIntervalMs,
        maxElapsedMs: config.retryMaxElapsedTimeMs,
        signal,
        // Stopping mid-attempt ends the retries at once (a wait in progress ends with the signal).
        shouldRetry: (error) => !(error instanceof PermanentSendError) && !signal.aborted,
        // A Retry-After wait replaces the backoff step instead of adding to it; the time left
        // caps it, and the outbox honours the rest of it later (notBeforeMs).
        requestedDelayMs: retryAfterOf,
        onRetry: (error, attemptNumber) => {
          const retryAfterMs = retryAfterOf(error);
          logger.debug('message batch attempt failed', { workspaceId, messages: messages.length, attempt: attemptNumber, error: errorMessage(error), retryAfterMs });
          if (retryAfterMs !== undefined) notBeforeMs = Date.now() + retryAfterMs;
        },
      },
    );
    return { kind: 'delivered', result, attempts };
  } catch (error) {
    if (signal.aborted) return { kind: 'aborted', attempts };
    if (error instanceof PermanentSendError) return { kind: 'rejected', error, attempts };
    const stillBlocked = notBeforeMs !== undefined && notBeforeMs > Date.now();
    return stillBlocked
      ? { kind: 'deferred', error, attempts, notBeforeMs }
      : { kind: 'deferred', error, attempts };
  }
}

/**
 * Send `messages` once, without retrying (the outbox's final flush on stop).
 *
 * @param signal bounds the attempt; when it aborts the outcome is `aborted`.
 */
export async function attemptOnce(
  options: Omit<DeliverBatchOptions, 'config' | 'logger'>,
): Promise<DeliveryOutcome> {
  const { workspaceId, messages, send, signal } = options;
  try {
    options.onAttempt?.();
    const result = await send(workspaceId, messages, signal);
    return { kind: 'delivered', result, attempts: 1 };
  } catch (error) {
    if (signal.aborted) return { kind: 'aborted', attempts: 1 };
    if (error instanceof PermanentSendError) return { kind: 'rejected', error, attempts: 1 };
    return { kind: 'deferred', error, attempts: 1 };
  }
}
