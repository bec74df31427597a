/** D1 storage of credentials: `credentials` (encrypted; see crypto.ts). Every SQL statement on it is here. */
import type { CredentialInfo } from '@flotilla/contracts';
import type { SealedSecret } from './crypto.js';

interface CredentialRow {
  user_id: string;
  kind: CredentialInfo['kind'];
  name: string;
  ciphertext: string;
  iv: string;
  masked: string;
  created_at: string;
  updated_at: string;
  /** An agent credential's base URL and model (migration 0007; not secret); null for the others. */
  base_url: string | null;
  model: string | null;
}

export interface CredentialKey {
  userId: string;
  kind: CredentialInfo['kind'];
  name: string;
}

/** What the API shows of a credential besides its mask: an agent credential's base URL and model (neither is secret). */
export interface CredentialDetails {
  baseUrl?: string | undefined;
  model?: string | undefined;
}

const withDetails = (info: CredentialInfo, details: CredentialDetails): CredentialInfo => ({
  ...info,
  ...(details.baseUrl ? { baseUrl: details.baseUrl } : {}),
  ...(details.model ? { model: details.model } : {}),
});

const toInfo = (row: CredentialRow): CredentialInfo =>
  withDetails({ kind: row.kind, name: row.name, masked: row.masked, updatedAt: row.updated_at }, { baseUrl: row.base_url ?? undefined, model: row.model ?? undefined });

/**
 * Store (or replace) a sealed credential, with what the API shows of it: `masked`, and `details`
 * (an agent credential's base URL and model, stored in clear beside the sealed secret).
 * @returns what the API shows of it
 */
export async function putCredential(db: D1Database, key: CredentialKey, sealed: SealedSecret, masked: string, details: CredentialDetails = {}): Promise<CredentialInfo> {
  const at = new Date().toISOString();
  await db
    .prepare(
      `INSERT INTO credentials (user_id, kind, name, ciphertext, iv, masked, base_url, model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(user_id, kind, name) DO UPDATE SET ciphertext = excluded.ciphertext, iv = excluded.iv, masked = excluded.masked,
         base_url = excluded.base_url, model = excluded.model, updated_at = excluded.updated_at`,
    )
    .bind(key.userId, key.kind, key.name, sealed.ciphertext, sealed.iv, masked, details.baseUrl ?? null, details.model ?? null, at, at)
    .run();
  return withDetails({ kind: key.kind, name: key.name, masked, updatedAt: at }, details);
}

/** What the API shows of one credential (masked), or null when none is saved. */
export async function getCredentialInfo(db: D1Database, key: CredentialKey): Promise<CredentialInfo | null> {
  const row = await db.prepare('SELECT * FROM credentials WHERE user_id = ? AND kind = ? AND name = ?').bind(key.userId, key.kind, key.name).first<CredentialRow>();
  return row ? toInfo(row) : null;
}

/** The sealed secret of a credential, or null when none is saved. */
export async function getSealedCredential(db: D1Database, key: CredentialKey): Promise<SealedSecret | null> {
  return db.prepare('SELECT ciphertext, iv FROM credentials WHERE user_id = ? AND kind = ? AND name = ?').bind(key.userId, key.kind, key.name).first<SealedSecret>();
}

/** A user's credentials as the API shows them (masked), by kind then name. */
export async function listCredentials(db: D1Database, userId: string): Promise<CredentialInfo[]> {
  const { results } = await db.prepare('SELECT * FROM credentials WHERE user_id = ? ORDER BY kind, name').bind(userId).all<CredentialRow>();
  return results.map(toInfo);
}

/** Delete a credential; answers whether there was one. */
export async function deleteCredential(db: D1Database, key: CredentialKey): Promise<boolean> {
  const result = await db.prepare('DELETE FROM credentials WHERE user_id = ? AND kind = ? AND name = ?').bind(key.userId, key.kind, key.name).run();
  return (result.meta.changes ?? 0) > 0;
}

/** Every saved cloud credential's owner and provider (for the orphan sweep), by user then provider. */
export async function listCloudAccounts(db: D1Database): Promise<Array<{ userId: string; provider: string }>> {
  const { results } = await db.prepare("SELECT user_id, name FROM credentials WHERE kind = 'cloud' ORDER BY user_id, name").all<{ user_id: string; name: string }>();
  return results.map((row) => ({ userId: row.user_id, provider: row.name }));
}
