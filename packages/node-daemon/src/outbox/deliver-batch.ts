/**
 * Deliver one batch with retries (p-retry): exponential backoff with jitter between
 * `MSG_RETRY_INITIAL_INTERVAL_MS` and `MSG_RETRY_MAX_INTERVAL_MS`, a server's `Retry-After` in
 * place of the backoff when it gives one, and at most `MSG_RETRY_MAX_ELAPSED_TIME_MS` spent on the
 * batch. A permanent failure ends the retries at once.
 *
 * Never throws: the result says what happened and the outbox decides what to do with the rows.
 */
import pRetry from 'p-retry';
import type { ChatMessageInput, PersistMessageBatchResponse } from '@flotilla/contracts';
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

/** Wait `ms` milliseconds, or reject with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Send `messages` until the control plane acknowledges them, refuses them for good, the retry
 * time runs out, or `signal` aborts.
 */
export async function deliverBatch(options: DeliverBatchOptions): Promise<DeliveryOutcome> {
  const { workspaceId, messages, send, config, logger, signal } = options;
  const startedAt = performance.now();
  const remainingMs = (): number => config.retryMaxElapsedTimeMs - (performance.now() - startedAt);
  let attempts = 0;
  let notBeforeMs: number | undefined;

  try {
    const result = await pRetry(
      () => {
        attempts += 1;
        options.onAttempt?.();
        return send(workspaceId, messages, signal);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        factor: 2,
        minTimeout: config.retryInitialIntervalMs,
        maxTimeout: config.retryMaxIntervalMs,
        randomize: true,
        maxRetryTime: config.retryMaxElapsedTimeMs,
        signal,
        // Stopping mid-attempt: p-retry would otherwise sleep the whole backoff first (it only
        // listens for an abort that happens during the sleep).
        shouldRetry: ({ error }) => !(error instanceof PermanentSendError) && !signal.aborted,
        // A Retry-After wait replaces the backoff step instead of adding to it.
        shouldConsumeRetry: ({ error }) => retryAfterOf(error) === undefined,
        onFailedAttempt: async ({ error, attemptNumber }) => {
          if (error instanceof PermanentSendError) return;
          const retryAfterMs = retryAfterOf(error);
          logger.debug('message batch attempt failed', {
            workspaceId,
            messages: messages.length,
            attempt: attemptNumber,
            error: error.message,
            retryAfterMs,
          });
          if (retryAfterMs === undefined) return;
          notBeforeMs = Date.now() + retryAfterMs;
          // Wait no longer than the retry time left; the outbox honours the rest of it later.
          await sleep(Math.max(0, Math.min(retryAfterMs, remainingMs())), signal);
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
