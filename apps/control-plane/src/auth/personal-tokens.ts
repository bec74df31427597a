/**
 * Personal API tokens (issue 14 item 4; contracts api-tokens.ts): made here (`flt_` + 32 random
 * bytes, base64url), shown once, kept only as their SHA-256 (hex) and a short visible prefix
 * (api-token-repository.ts). A request whose bearer token starts with `flt_` and is not the
 * shared FLOTILLA_API_TOKEN is checked against the table — whether the shared token is
 * configured or the API is open — and is refused (401) when the token is unknown, revoked or
 * expired: a script must learn that its token is dead. A valid one makes the caller the user who
 * created it, with the token's id and project scope (token-scope.ts enforces the scope).
 */
import { PERSONAL_TOKEN_PREFIX, PERSONAL_TOKEN_VISIBLE_CHARS } from '@flotilla/contracts';
import { unauthorized } from '@flotilla/kit';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { depsFromEnv } from '../deps.js';
import { findApiTokenByHash, projectIdsOf, touchApiToken, type ApiTokenRow } from './api-token-repository.js';
import { IMPLICIT_USER_ID, type UserPrincipal } from './principal.js';

const encoder = new TextEncoder();

const toBase64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** A fresh personal token: `flt_` + 32 random bytes in base64url (43 characters). */
export function newPersonalToken(): string {
  return `${PERSONAL_TOKEN_PREFIX}${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** The part of `token` kept in the clear to recognise it by (`flt_` and 8 more characters). */
export function visiblePrefix(token: string): string {
  return token.slice(0, PERSONAL_TOKEN_VISIBLE_CHARS);
}

/** SHA-256 of `token` as hex: what the table keeps and looks tokens up by. */
export async function hashPersonalToken(token: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(token)));
}

/** Constant-time equality of two hex digests of the same length. */
function sameDigest(a: string, b: string): boolean {
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  return ea.byteLength === eb.byteLength && crypto.subtle.timingSafeEqual(ea, eb);
}

/**
 * Why the token of `row` may not be used at `nowMs` (the 401's message), or null when it may.
 * `row` null: no token has this hash.
 */
export function tokenRefusal(row: ApiTokenRow | null, nowMs: number): string | null {
  if (!row) return 'unknown API token';
  if (row.revoked_at !== null) return 'this API token was revoked';
  if (row.expires_at !== null && row.expires_at <= nowMs) return `this API token expired on ${new Date(row.expires_at).toISOString()}`;
  return null;
}

/**
 * The principal a valid token of `row` makes: its creator, with the token's id and scope; the
 * operator (members/access.ts) when the implicit local user made it or its user is a deployment
 * administrator.
 */
export function principalOfToken(row: ApiTokenRow): UserPrincipal {
  const operator = row.user_id === IMPLICIT_USER_ID || row.user_is_admin === 1;
  return { kind: 'user', userId: row.user_id, tokenId: row.id, projectIds: projectIdsOf(row), operator };
}

/** The bearer token of this request, or undefined. */
export function bearerOf(c: Context<AppEnv>): string | undefined {
  return c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
}

/**
 * The caller as a personal token names them, or null when the request carries no personal token
 * (no bearer, one without the `flt_` prefix, or the shared token `sharedToken` itself — the
 * shared token is checked by api-token.ts). Notes the token's use at most once per
 * API_TOKEN_LAST_USED_INTERVAL_MS.
 * @param isSharedToken - whether a bearer is the configured shared token (constant time)
 * @throws FlotillaError unauthorized (401): "unknown API token", "this API token was revoked",
 *   "this API token expired on <ISO time>"
 */
export async function personalTokenPrincipal(c: Context<AppEnv>, isSharedToken: (bearer: string) => Promise<boolean>): Promise<UserPrincipal | null> {
  const bearer = bearerOf(c);
  if (bearer === undefined || !bearer.startsWith(PERSONAL_TOKEN_PREFIX) || (await isSharedToken(bearer))) return null;
  const deps = depsFromEnv(c.env);
  const hash = await hashPersonalToken(bearer);
  const found = await findApiTokenByHash(deps.db, hash);
  const row = found && sameDigest(found.token_hash, hash) ? found : null;
  const nowMs = Date.now();
  const refusal = tokenRefusal(row, nowMs);
  if (refusal !== null || !row) throw unauthorized(refusal ?? 'unknown API token');
  const intervalMs = deps.config.API_TOKEN_LAST_USED_INTERVAL_MS;
  if (row.last_used_at === null || row.last_used_at <= nowMs - intervalMs) await touchApiToken(deps.db, row.id, nowMs, intervalMs);
  return principalOfToken(row);
}
