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

/** The token a request presents: its `x-api-key`, else the Bearer token of `Authorization`. */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  return headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
}

/** Whether `presented` is `expected`, compared in time independent of where they differ (and of their lengths). */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
