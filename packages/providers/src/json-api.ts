/**
 * One fetch-based JSON request function for the cloud APIs the control plane calls from the
 * Worker (Hetzner Cloud, Cloudflare DNS): bearer-token auth, a timeout per request, and retries
 * of transient failures — network errors, 429 and 5xx — waiting as the rate-limit headers say:
 * `Retry-After` when given, else the time for one request to refill (`RateLimit-Reset` − now,
 * over the requests still missing of `RateLimit-Limit`; Hetzner refills gradually), else
 * exponential backoff from 500 ms. Each API maps its own error bodies to {@link ProviderError}s.
 */
import { ProviderError } from './provider.js';

export interface JsonApiOptions {
  token: string;
  /** One request's timeout, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Attempts per call for transient failures (default 3). */
  maxAttempts?: number;
  /** Upper bound of one wait between attempts, ms (default 10 000). */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
  /** Waits `ms` (tests may shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

/** A JSON request, answered with the parsed JSON body (null for an empty body). Statuses in `accept` count as answers, not errors. */
export type JsonApiRequest = (method: string, path: string, body?: unknown, accept?: number[]) => Promise<{ status: number; json: unknown }>;

/** Turns a failed answer into the API's error (its `transient` decides whether to retry). */
export type ToProviderError = (method: string, path: string, status: number, json: unknown) => ProviderError;

/**
 * Build the request function of one API for one token.
 * @param service - the API's name in messages, e.g. `Hetzner`
 * @param baseUrl - prefix of every path, without a trailing slash needed
 * @throws ProviderError (from `toError`, or `transient` when the API stayed unreachable)
 */
export function createJsonApiRequest(service: string, baseUrl: string, options: JsonApiOptions, toError: ToProviderError): JsonApiRequest {
  const base = baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? 3;
  const maxDelayMs = options.maxRetryDelayMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  return async function request(method, path, body, accept = []) {
    let lastError: ProviderError | null = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000),
        });
      } catch (error) {
        lastError = new ProviderError(`${service} API unreachable (${method} ${path.split('?')[0]}): ${error instanceof Error ? error.message : String(error)}`, true);
        if (attempt < maxAttempts) await sleep(Math.min(maxDelayMs, 500 * 2 ** (attempt - 1)));
        continue;
      }
      const text = await response.text();
      const json: unknown = text ? safeJson(text) : null;
      if (response.ok || accept.includes(response.status)) return { status: response.status, json };
      const error = toError(method, path, response.status, json);
      if (!error.transient) throw error;
      lastError = error;
      if (attempt < maxAttempts) await sleep(retryDelayMs(response.headers, attempt, maxDelayMs));
    }
    throw lastError ?? new ProviderError(`${service} ${method} ${path.split('?')[0]} failed`, true);
  };
}

/** How long to wait before the next attempt, from the rate-limit headers when present (ms). */
export function retryDelayMs(headers: Headers, attempt: number, maxDelayMs: number, nowMs = Date.now()): number {
  const retryAfter = Number(headers.get('retry-after'));
  if (headers.get('retry-after') && Number.isFinite(retryAfter)) return clamp(retryAfter * 1000, maxDelayMs);
  const resetS = Number(headers.get('ratelimit-reset'));
  const limit = Number(headers.get('ratelimit-limit'));
  const remaining = Number(headers.get('ratelimit-remaining') ?? '0');
  if (headers.get('ratelimit-reset') && Number.isFinite(resetS)) {
    const missing = Number.isFinite(limit) && limit > 0 ? Math.max(1, limit - remaining) : 1;
    return clamp((resetS * 1000 - nowMs) / missing, maxDelayMs);
  }
  return clamp(500 * 2 ** (attempt - 1), maxDelayMs);
}

function clamp(ms: number, maxMs: number): number {
  return Math.max(100, Math.min(maxMs, Math.ceil(ms)));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
