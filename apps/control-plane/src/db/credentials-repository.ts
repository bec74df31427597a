/** D1 access to `credentials` (encrypted; see services/credential-crypto.ts). */
import type { CredentialInfo } from '@flotilla/contracts';
import type { SealedSecret } from '../services/credential-crypto.js';

interface CredentialRow {
  user_id: string;
  kind: CredentialInfo['kind'];
  name: string;
  ciphertext: string;
  iv: string;
  masked: string;
  created_at: string;
  updated_at: string;
}

export interface CredentialKey {
  userId: string;
  kind: CredentialInfo['kind'];
  name: string;
}

const toInfo = (row: CredentialRow): CredentialInfo => ({ kind: row.kind, name: row.name, masked: row.masked, updatedAt: row.updated_at });

export async function putCredential(db: D1Database, key: CredentialKey, sealed: SealedSecret, masked: string): Promise<CredentialInfo> {
  const at = new Date().toISOString();
  await db
    .prepare(
      `INSERT INTO credentials (user_id, kind, name, ciphertext, iv, masked, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(user_id, kind, name) DO UPDATE SET ciphertext = excluded.ciphertext, iv = excluded.iv, masked = excluded.masked, updated_at = excluded.updated_at`,
    )
    .bind(key.userId, key.kind, key.name, sealed.ciphertext, sealed.iv, masked, at, at)
    .run();
  return { kind: key.kind, name: key.name, masked, updatedAt: at };
}

export async function getSealedCredential(db: D1Database, key: CredentialKey): Promise<SealedSecret | null> {
  return db.prepare('SELECT ciphertext, iv FROM credentials WHERE user_id = ? AND kind = ? AND name = ?').bind(key.userId, key.kind, key.name).first<SealedSecret>();
}

export async function listCredentials(db: D1Database, userId: string): Promise<CredentialInfo[]> {
  const { results } = await db.prepare('SELECT * FROM credentials WHERE user_id = ? ORDER BY kind, name').bind(userId).all<CredentialRow>();
  return results.map(toInfo);
}

/** Delete a credential; answers whether there was one. */
export async function deleteCredential(db: D1Database, key: CredentialKey): Promise<boolean> {
  const result = await db.prepare('DELETE FROM credentials WHERE user_id = ? AND kind = ? AND name = ?').bind(key.userId, key.kind, key.name).run();
  return (result.meta.changes ?? 0) > 0;
}
