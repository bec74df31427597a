/**
 * D1 storage of personal API tokens (migration 0017, table `api_tokens`): insert, look up by the
 * token's SHA-256, list and revoke a user's tokens, and note when one was last used. Times are
 * milliseconds since the epoch; `project_ids` is a JSON array or NULL (every project).
 */
import type { ApiTokenInfo } from '@flotilla/contracts';

export interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  project_ids: string | null;
  expires_at: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** Whether the token's user is a deployment administrator (users.is_admin; read with the token by findApiTokenByHash; absent elsewhere). */
  user_is_admin?: number | null;
}

/** A new token's row, as `POST /api/tokens` made it. */
export interface NewApiToken {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  projectIds: string[] | null;
  expiresAtMs: number | null;
  createdAtMs: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The projects a row reaches (null: every project). */
export function projectIdsOf(row: ApiTokenRow): string[] | null {
  return row.project_ids === null ? null : (JSON.parse(row.project_ids) as string[]);
}

/** The API's view of a row: never the hash. */
export function toApiTokenInfo(row: ApiTokenRow): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    projectIds: projectIdsOf(row),
    expiresAt: iso(row.expires_at),
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
  };
}

/** Insert `token`. @returns the row written */
export async function insertApiToken(db: D1Database, token: NewApiToken): Promise<ApiTokenRow> {
  const row = await db
    .prepare(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, project_ids, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(token.id, token.userId, token.name, token.tokenHash, token.prefix, token.projectIds === null ? null : JSON.stringify(token.projectIds), token.expiresAtMs, token.createdAtMs)
    .first<ApiTokenRow>();
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row;
}

/** The token whose SHA-256 (hex) is `tokenHash`, revoked or not, with whether its user is a deployment administrator; or null. */
export function findApiTokenByHash(db: D1Database, tokenHash: string): Promise<ApiTokenRow | null> {
  return db
    .prepare('SELECT api_tokens.*, users.is_admin AS user_is_admin FROM api_tokens LEFT JOIN users ON users.id = api_tokens.user_id WHERE api_tokens.token_hash = ?')
    .bind(tokenHash)
    .first<ApiTokenRow>();
}

/** The token `id` of `userId`, or null (also when it is another user's). */
export function getUserApiToken(db: D1Database, userId: string, id: string): Promise<ApiTokenRow | null> {
  return db.prepare('SELECT * FROM api_tokens WHERE id = ? AND user_id = ?').bind(id, userId).first<ApiTokenRow>();
}

/** `userId`'s tokens that are not revoked, newest first (expired ones included: they say so). */
export async function listUserApiTokens(db: D1Database, userId: string): Promise<ApiTokenRow[]> {
  const { results } = await db.prepare('SELECT * FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC').bind(userId).all<ApiTokenRow>();
  return results;
}

/** Revoke `userId`'s token `id` at `nowMs`. @returns false when there is no such token not yet revoked */
export async function revokeUserApiToken(db: D1Database, userId: string, id: string, nowMs: number): Promise<boolean> {
  const result = await db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL').bind(nowMs, id, userId).run();
  return result.meta.changes > 0;
}

/** Note that token `id` was used at `nowMs`, unless that was noted less than `intervalMs` ago. */
export async function touchApiToken(db: D1Database, id: string, nowMs: number, intervalMs: number): Promise<void> {
  await db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)').bind(nowMs, id, nowMs - intervalMs).run();
}
