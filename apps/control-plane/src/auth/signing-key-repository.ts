/** D1 storage of the control plane's signing key: `signing_keys` (one row, id 1). Every SQL statement on it is here. */

/** The stored key: its id and both halves as JWK JSON. */
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
