/**
 * D1 storage of the control plane's signing key: `signing_keys` (one row, id 1). Every SQL
 * statement on it is here. `private_jwk` holds the private half sealed (signing-keys.ts); a row
 * written by a version before issue 12 holds it in clear until it is first read.
 */

/** The stored key: its id, the private half as stored, the public half as JWK JSON. */
export interface SigningKeyRow {
  kid: string;
  private_jwk: string;
  public_jwk: string;
}

/** The stored signing key, or null before the first one is made. */
export function readSigningKeyRow(db: D1Database): Promise<SigningKeyRow | null> {
  return db.prepare('SELECT kid, private_jwk, public_jwk FROM signing_keys WHERE id = 1').first<SigningKeyRow>();
}

/** Store the signing key unless one is stored already (two isolates may race: the first insert wins). */
export async function insertSigningKeyRow(db: D1Database, key: SigningKeyRow): Promise<void> {
  await db
    .prepare('INSERT INTO signing_keys (id, kid, private_jwk, public_jwk, created_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING')
    .bind(key.kid, key.private_jwk, key.public_jwk, new Date().toISOString())
    .run();
}

/**
 * Replace the stored private half `before` with `after` (sealing a key stored in clear), only if
 * it is still `before`: of two isolates doing it at once, one writes and the other changes nothing.
 */
export async function replaceSigningKeyPrivatePart(db: D1Database, before: string, after: string): Promise<void> {
  await db.prepare('UPDATE signing_keys SET private_jwk = ? WHERE id = 1 AND private_jwk = ?').bind(after, before).run();
}
