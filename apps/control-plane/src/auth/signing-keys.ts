/**
 * The control plane's ES256 signing key. Created on first use and kept in D1 (`signing_keys`),
 * so every isolate and every restart signs with the same key; the public half is published at
 * `/.well-known/jwks.json` for node daemons (DESIGN.md §5).
 */
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { insertSigningKeyRow, readSigningKeyRow } from './signing-key-repository.js';

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

/** The stored key, or a new one stored first. */
async function loadOrCreate(db: D1Database): Promise<SigningKey> {
  const existing = await readKey(db);
  if (existing) return existing;
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { extractable: true });
  const kid = crypto.randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALG };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALG, use: 'sig' };
  // Two isolates may race here; the first insert wins and both read it back.
  await insertSigningKeyRow(db, { kid, private_jwk: JSON.stringify(privateJwk), public_jwk: JSON.stringify(publicJwk) });
  const stored = await readKey(db);
  if (!stored) throw new Error('signing key was not stored');
  return stored;
}

/** The stored key, imported; null when none is stored yet. */
async function readKey(db: D1Database): Promise<SigningKey | null> {
  const row = await readSigningKeyRow(db);
  if (!row) return null;
  const privateKey = (await importJWK(JSON.parse(row.private_jwk) as JWK, JWT_ALG)) as CryptoKey;
  return { kid: row.kid, privateKey, publicJwk: JSON.parse(row.public_jwk) as PublicJwk };
}
