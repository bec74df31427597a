/**
 * A small fetch-based client of the Hetzner Cloud API (runs in the Worker). Maps Hetzner's
 * errors to `ProviderError`s with clear messages; retries 429 and 5xx (and network failures) as
 * transient, waiting as the rate-limit headers say: `Retry-After` when given, else the time for
 * one request to refill (`RateLimit-Reset` − now, over the requests still missing of
 * `RateLimit-Limit`; Hetzner refills its limit gradually), else exponential backoff.
 */
import { ProviderError } from '../provider.js';
import { HetznerErrorBody } from './hetzner-schemas.js';

export interface HetznerApiOptions {
  token: string;
  /** Default `https://api.hetzner.cloud/v1`. */
  baseUrl?: string;
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

export const HETZNER_API_URL = 'https://api.hetzner.cloud/v1';

/** What Hetzner's error codes mean for a Flotilla user. */
const CLEAR_MESSAGES: Record<string, string> = {
  unauthorized: 'the Hetzner API token is invalid or revoked: save a valid token in your cloud credentials',
  forbidden: 'the Hetzner API token may not do this (it needs read & write permission)',
  resource_limit_exceeded: 'your Hetzner project has reached a resource limit (servers, cores or IPs)',
  rate_limit_exceeded: 'Hetzner rate limit exceeded',
  uniqueness_error: 'a Hetzner resource with this name already exists',
  invalid_input: 'Hetzner refused the request as invalid',
  resource_unavailable: 'the requested server type is not available in this location right now',
  placement_error: 'Hetzner could not place the server in this location',
  server_error: 'Hetzner had an internal error',
  unavailable: 'Hetzner is temporarily unavailable',
};

/** A JSON request to Hetzner, answered with the parsed JSON body (null for an empty body). */
export type HetznerRequest = (method: string, path: string, body?: unknown, accept?: number[]) => Promise<{ status: number; json: unknown }>;

/** Build the request function for one token. */
export function createHetznerRequest(options: HetznerApiOptions): HetznerRequest {
  const base = (options.baseUrl ?? HETZNER_API_URL).replace(/\/$/, '');
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
        lastError = new ProviderError(`Hetzner API unreachable (${method} ${path}): ${error instanceof Error ? error.message : String(error)}`, true);
        if (attempt < maxAttempts) await sleep(Math.min(maxDelayMs, 500 * 2 ** (attempt - 1)));
        continue;
      }
      const text = await response.text();
      const json: unknown = text ? safeJson(text) : null;
      if (response.ok || accept.includes(response.status)) return { status: response.status, json };
      const error = toProviderError(method, path, response.status, json);
      if (!error.transient) throw error;
      lastError = error;
      if (attempt < maxAttempts) await sleep(retryDelayMs(response.headers, attempt, maxDelayMs));
    }
    throw lastError ?? new ProviderError(`Hetzner ${method} ${path} failed`, true);
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

function toProviderError(method: string, path: string, status: number, json: unknown): ProviderError {
  const parsed = HetznerErrorBody.safeParse(json);
  const code = parsed.success ? parsed.data.error.code : `http_${status}`;
  const detail = parsed.success ? parsed.data.error.message : `HTTP ${status}`;
  const clear = CLEAR_MESSAGES[code];
  const message = `Hetzner ${method} ${path.split('?')[0]} failed: ${clear ? `${clear} (${detail})` : detail}`;
  const transient = status === 429 || status >= 500;
  return new ProviderError(message, transient, status);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
