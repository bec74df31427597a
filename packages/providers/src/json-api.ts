/**
 * One fetch-based JSON request function for the cloud APIs the control plane calls from the
 * Worker (Hetzner Cloud, Cloudflare DNS): bearer-token auth, a timeout per request, and retries
 * of what kit `isRetryableStatus` calls retryable (408, 429, 5xx) and of network failures. The
 * wait between attempts is the API's own word when it gives one — `Retry-After`, else the time
 * for one request to refill (`RateLimit-Reset` − now, over the requests still missing of
 * `RateLimit-Limit`; Hetzner refills gradually) — else kit `backoffDelayMs` (exponential with
 * jitter, from {@link FIRST_RETRY_DELAY_MS}). Each API describes its own error bodies; every
 * failure is a {@link ProviderError}.
 */
import { backoffDelayMs, errorMessage, isRetryableStatus, parseRetryAfter } from '@flotilla/kit';
import { ProviderError } from './provider.js';

/** Limit of one request, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Attempts per call when failures are retryable. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Upper bound of one wait between attempts, in ms. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;
/** Backoff's first wait (before jitter), in ms, when the API says nothing of its own. */
export const FIRST_RETRY_DELAY_MS = 500;
/** Shortest wait between attempts, in ms (a Retry-After of 0 or a reset already past). */
const MIN_RETRY_DELAY_MS = 100;

export interface JsonApiOptions {
  token: string;
  /** One request's timeout, in ms (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). */
  requestTimeoutMs?: number;
  /** Attempts per call for retryable failures (default {@link DEFAULT_MAX_ATTEMPTS}). */
  maxAttempts?: number;
  /** Upper bound of one wait between attempts, in ms (default {@link DEFAULT_MAX_RETRY_DELAY_MS}). */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
  /** Waits `ms` (tests may shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

/** A JSON request, answered with the parsed JSON body (null for an empty body). Statuses in `accept` count as answers, not errors. */
export type JsonApiRequest = (method: string, path: string, body?: unknown, accept?: number[]) => Promise<{ status: number; json: unknown }>;

/** The message of a failed answer, in the API's own words made clear for a Flotilla user. */
export type DescribeFailure = (method: string, path: string, status: number, json: unknown) => string;

/**
 * Build the request function of one API for one token.
 * @param service - the API's name in messages, e.g. `Hetzner`
 * @param baseUrl - prefix of every path, without a trailing slash needed
 * @param describe - the message of a refusal
 * @returns a request function that throws ProviderError: `retryable` (with the answered status)
 *   when retrying stopped helping after `maxAttempts`, or when the API stayed unreachable;
 *   permanent at once for any other refusal
 */
export function createJsonApiRequest(service: string, baseUrl: string, options: JsonApiOptions, describe: DescribeFailure): JsonApiRequest {
  const base = baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const maxDelayMs = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  return async function request(method, path, body, accept = []) {
    const where = `${method} ${path.split('?')[0]}`;
    let lastError: ProviderError | null = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        lastError = new ProviderError(`${service} API unreachable (${where}): ${errorMessage(error)}`, { retryable: true, cause: error });
        if (attempt < maxAttempts) await sleep(backoffDelayMs(attempt, { minDelayMs: FIRST_RETRY_DELAY_MS, maxDelayMs }));
        continue;
      }
      const text = await response.text();
      const json: unknown = text ? safeJson(text) : null;
      if (response.ok || accept.includes(response.status)) return { status: response.status, json };
      const error = new ProviderError(describe(method, path, response.status, json), { retryable: isRetryableStatus(response.status), status: response.status });
      if (!error.retryable) throw error;
      lastError = error;
      if (attempt < maxAttempts) await sleep(retryDelayMs(response.headers, attempt, maxDelayMs));
    }
    throw lastError ?? new ProviderError(`${service} ${where} failed`, { retryable: true });
  };
}

/**
 * How long to wait before the next attempt, in ms: `Retry-After` (kit `parseRetryAfter`), else
 * from `RateLimit-Reset` / `RateLimit-Limit` / `RateLimit-Remaining`, else kit `backoffDelayMs`;
 * always between {@link MIN_RETRY_DELAY_MS} and `maxDelayMs`.
 * @param attempt - the attempt that just failed (1 for the first)
 * @param nowMs - the current time, epoch ms (injectable for tests)
 * @param random - backoff's jitter, a number in [0, 1) (injectable for tests)
 */
export function retryDelayMs(headers: Headers, attempt: number, maxDelayMs: number, nowMs = Date.now(), random = Math.random()): number {
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), nowMs);
  if (retryAfterMs !== undefined) return clamp(retryAfterMs, maxDelayMs);
  const resetS = Number(headers.get('ratelimit-reset'));
  const limit = Number(headers.get('ratelimit-limit'));
  const remaining = Number(headers.get('ratelimit-remaining') ?? '0');
  if (headers.get('ratelimit-reset') && Number.isFinite(resetS)) {
    const missing = Number.isFinite(limit) && limit > 0 ? Math.max(1, limit - remaining) : 1;
    return clamp((resetS * 1000 - nowMs) / missing, maxDelayMs);
  }
  return clamp(backoffDelayMs(attempt, { minDelayMs: FIRST_RETRY_DELAY_MS, maxDelayMs }, random), maxDelayMs);
}

function clamp(ms: number, maxMs: number): number {
  return Math.max(MIN_RETRY_DELAY_MS, Math.min(maxMs, Math.ceil(ms)));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
