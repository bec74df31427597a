/**
 * The control plane's ES256 signing key. Created on first use and kept in D1 (`signing_keys`),
 * so every isolate and every restart signs with the same key; the public half is published at
 * `/.well-known/jwks.json` for node daemons (DESIGN.md §5). The private half is stored sealed
 * with CREDENTIALS_ENCRYPTION_KEY (credentials/crypto.ts, under its own context, so no stored
 * credential's ciphertext can pass for it), never in clear: a key an earlier version stored in
 * clear is sealed the first time it is read. Without CREDENTIALS_ENCRYPTION_KEY no token can be
 * signed or checked (503 saying so).
 */
import { unavailable } from '@flotilla/kit';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Config } from '../config.js';
import { credentialKey, openSecret, sealSecret, signingKeyContext, type SealedSecret } from '../credentials/crypto.js';
import { insertSigningKeyRow, readSigningKeyRow, replaceSigningKeyPrivatePart, type SigningKeyRow } from './signing-key-repository.js';

export const JWT_ALG = 'ES256';

/** A public key as published: a JWK with its type and id. */
export type PublicJwk = Record<string, unknown> & { kty: string; kid: string };

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
}

/** What the signing key needs: D1, and the key that seals it. */
export interface SigningKeyDeps {
  db: D1Database;
  config: Pick<Config, 'credentialsKey'>;
}

/** The private half as `signing_keys.private_jwk` holds it: sealed, or (before issue 12) a JWK in clear. */
type StoredPrivatePart = { sealed: SealedSecret } | { clear: JWK };

/** Loaded keys, by the CREDENTIALS_ENCRYPTION_KEY that opened them (one per isolate in practice). */
const cache = new Map<string, Promise<SigningKey>>();

/**
 * The signing key, loading it from D1 (sealing it there first if it was stored in clear) or
 * creating it there on first use.
 * @throws FlotillaError unavailable (503) when CREDENTIALS_ENCRYPTION_KEY is missing or malformed,
 *   or does not open the stored key (it was changed)
 */
export function getSigningKey(deps: SigningKeyDeps): Promise<SigningKey> {
  const rawKey = deps.config.credentialsKey ?? '';
  let loading = cache.get(rawKey);
  if (!loading) {
    loading = loadOrCreate(deps).catch((error: unknown) => {
      cache.delete(rawKey);
      throw error;
    });
    cache.set(rawKey, loading);
  }
  return loading;
}

/** The stored key, or a new one stored first. */
async function loadOrCreate(deps: SigningKeyDeps): Promise<SigningKey> {
  const sealingKey = await credentialKey(deps.config.credentialsKey);
  const existing = await readKey(deps.db, sealingKey);
  if (existing) return existing;
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { extractable: true });
  const kid = crypto.randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALG };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALG, use: 'sig' };
  const sealed = await sealSecret(sealingKey, JSON.stringify(privateJwk), signingKeyContext(kid));
  // Two isolates may race here; the first insert wins and both read it back.
  await insertSigningKeyRow(deps.db, { kid, private_jwk: storedForm({ sealed }), public_jwk: JSON.stringify(publicJwk) });
  const stored = await readKey(deps.db, sealingKey);
  if (!stored) throw new Error('signing key was not stored');
  return stored;
}

/** The stored key, opened and imported (sealed first when it was stored in clear); null when none is stored yet. */
async function readKey(db: D1Database, sealingKey: globalThis.CryptoKey): Promise<SigningKey | null> {
  const row = await readSigningKeyRow(db);
  if (!row) return null;
  const privateJwk = await openPrivatePart(db, row, sealingKey);
  const privateKey = (await importJWK(privateJwk, JWT_ALG)) as CryptoKey;
  return { kid: row.kid, privateKey, publicJwk: JSON.parse(row.public_jwk) as PublicJwk };
}

/** The private JWK of `row`; a row in clear is sealed in D1 on the way. */
async function openPrivatePart(db: D1Database, row: SigningKeyRow, sealingKey: globalThis.CryptoKey): Promise<JWK> {
  const stored = parseStored(row.private_jwk);
  if ('clear' in stored) {
    const sealed = await sealSecret(sealingKey, JSON.stringify(stored.clear), signingKeyContext(row.kid));
    await replaceSigningKeyPrivatePart(db, row.private_jwk, storedForm({ sealed }));
    return stored.clear;
  }
  try {
    return JSON.parse(await openSecret(sealingKey, stored.sealed, signingKeyContext(row.kid))) as JWK;
  } catch {
    throw unavailable('the stored signing key cannot be opened with CREDENTIALS_ENCRYPTION_KEY: it was sealed with another key (restore that key)', { retryable: false });
  }
}

/** What `private_jwk` holds, read. */
function parseStored(text: string): StoredPrivatePart {
  const value = JSON.parse(text) as { sealed?: SealedSecret } & JWK;
  if (value.sealed && typeof value.sealed.ciphertext === 'string' && typeof value.sealed.iv === 'string') return { sealed: value.sealed };
  return { clear: value };
}

/** The text `private_jwk` holds for a sealed private half. */
function storedForm(part: { sealed: SealedSecret }): string {
  return JSON.stringify({ sealed: part.sealed });
}
