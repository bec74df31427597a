/**
 * The control plane's ES256 signing key. Created on first use and kept in D1 (`signing_keys`),
 * so every isolate and every restart signs with the same key; the public half is published at
 * `/.well-known/jwks.json` for node daemons (DESIGN.md §5).
 */
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const JWT_ALG = 'ES256';

/** A public key as published: a JWK with its type and id. */
export type PublicJwk = Record<string, unknown> & { kty: string; kid: string };

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
}

let cached: Promise<SigningKey> | null = null;

/** The signing key, loading it from D1 or creating it there on first use. */
export function getSigningKey(db: D1Database): Promise<SigningKey> {
  cached ??= loadOrCreate(db).catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}

async function loadOrCreate(db: D1Database): Promise<SigningKey> {
  const existing = await readKey(db);
  if (existing) return existing;
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { extractable: true });
  const kid = crypto.randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALG };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALG, use: 'sig' };
  // Two isolates may race here; the first insert wins and both read it back.
  await db
    .prepare('INSERT INTO signing_keys (id, kid, private_jwk, public_jwk, created_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING')
    .bind(kid, JSON.stringify(privateJwk), JSON.stringify(publicJwk), new Date().toISOString())
    .run();
  const stored = await readKey(db);
  if (!stored) throw new Error('signing key was not stored');
  return stored;
}

async function readKey(db: D1Database): Promise<SigningKey | null> {
  const row = await db
    .prepare('SELECT kid, private_jwk, public_jwk FROM signing_keys WHERE id = 1')
    .first<{ kid: string; private_jwk: string; public_jwk: string }>();
  if (!row) return null;
  const privateKey = (await importJWK(JSON.parse(row.private_jwk) as JWK, JWT_ALG)) as CryptoKey;
  return { kid: row.kid, privateKey, publicJwk: JSON.parse(row.public_jwk) as PublicJwk };
}
