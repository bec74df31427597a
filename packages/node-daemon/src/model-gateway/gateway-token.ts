/**
 * The model gateway's per-workspace token (DESIGN.md §7): what the agent holds in place of a model
 * credential. Random, kept in memory only, checked in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A fresh token: `flt_gw_` and 32 random bytes, base64url. */
export function newGatewayToken(): string {
  return `flt_gw_${randomBytes(32).toString('base64url')}`;
}

/**
 * The token a request presents: its `x-api-key` (Anthropic), `x-goog-api-key` (Gemini), else the
 * Bearer token of `Authorization` (OpenAI, Anthropic OAuth).
 */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  for (const name of ['x-api-key', 'x-goog-api-key']) {
    const apiKey = headers[name];
    if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  }
  return headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
}

/** Whether `presented` is `expected`, compared in time independent of where they differ (and of their lengths). */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
