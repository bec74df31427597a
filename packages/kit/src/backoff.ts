/**
 * One backoff for every retry (RFC-less but standard: exponential with jitter), with p-retry
 * (already in use) running the loops in a process and {@link backoffDelayMs} giving the same
 * delays to retries scheduled by an alarm (TaskRunner, NodeLifecycle), where no loop can wait.
 * A failure may name its own wait (a server's `Retry-After`): {@link RetryOptions.requestedDelayMs}
 * makes the loop wait that long instead of the backoff step.
 */
import pRetry, { AbortError } from 'p-retry';
import { errorMessage, isRetryable } from './errors.js';

export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  minDelayMs: number;
  /** Largest delay, in ms. */
  maxDelayMs: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Jitter: each delay is multiplied by a random number in [1, 2) (default true). */
  randomize?: boolean;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): `minDelayMs × factor^(attempt−1)`,
 * times a random number in [1, 2) when randomized, capped at `maxDelayMs` — p-retry's own formula,
 * so alarm-scheduled retries space out like in-process ones.
 * @param random a number in [0, 1) (injectable for tests)
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: number = Math.random()): number {
  const factor = options.factor ?? 2;
  const jitter = options.randomize === false ? 1 : random + 1;
  const delay = Math.round(jitter * options.minDelayMs * factor ** (Math.max(1, attempt) - 1));
  return Math.min(delay, options.maxDelayMs);
}

export interface RetryOptions extends BackoffOptions {
  /** Stop retrying once this much time has passed since the first attempt, in ms (default: no limit). */
  maxElapsedMs?: number;
  /** Most retries after the first attempt (default: no limit besides `maxElapsedMs`). */
  retries?: number;
  signal?: AbortSignal;
  /** Whether a failure is worth another attempt (default {@link isRetryable}). */
  shouldRetry?: (error: unknown) => boolean;
  /** Called after each failed attempt of a retryable failure (also the last one, when time or retries run out). */
  onRetry?: (error: unknown, attempt: number) => void;
  /**
   * The wait a failure asks for itself, in ms (e.g. a FlotillaError's `retryAfterMs`, from the
   * server's `Retry-After`), or undefined. A positive wait replaces the backoff step — cut short
   * by `maxElapsedMs` and by `signal` — and does not count against `retries`. Default: none.
   */
  requestedDelayMs?: (error: unknown) => number | undefined;
}

/** Wait `ms`, or reject with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Run `fn` until it succeeds, retrying retryable failures with backoff (p-retry).
 * @throws the last failure, or the first that is not retryable; the signal's reason when
 *   `options.signal` aborts during a wait
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isRetryable;
  const startedAt = performance.now();
  const requested = (error: unknown): number => {
    const ms = options.requestedDelayMs?.(error);
    return ms !== undefined && ms > 0 ? ms : 0;
  };
  return pRetry(
    async (attempt) => {
      try {
        return await fn(attempt);
      } catch (error) {
        if (!shouldRetry(error)) throw new AbortError(error instanceof Error ? error : new Error(errorMessage(error)));
        throw error instanceof Error ? error : new Error(errorMessage(error));
      }
    },
    {
      retries: options.retries ?? Number.MAX_SAFE_INTEGER,
      factor: options.factor ?? 2,
      minTimeout: options.minDelayMs,
      maxTimeout: options.maxDelayMs,
      randomize: options.randomize ?? true,
      ...(options.maxElapsedMs === undefined ? {} : { maxRetryTime: options.maxElapsedMs }),
      ...(options.signal ? { signal: options.signal } : {}),
      onFailedAttempt: async ({ error, attemptNumber }) => {
        options.onRetry?.(error, attemptNumber);
        const waitMs = requested(error);
        if (waitMs === 0) return;
        const leftMs = options.maxElapsedMs === undefined ? waitMs : options.maxElapsedMs - (performance.now() - startedAt);
        await sleep(Math.max(0, Math.min(waitMs, leftMs)), options.signal);
      },
      // A requested wait was waited above, instead of the backoff step.
      shouldConsumeRetry: ({ error }) => requested(error) === 0,
    },
  );
}
