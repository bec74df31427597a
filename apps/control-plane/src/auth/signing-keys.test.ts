/**
 * The signing key at rest (issue 12, signing-keys.ts): D1 holds its private half sealed with
 * CREDENTIALS_ENCRYPTION_KEY under its own context, never in clear; a row an earlier version
 * stored in clear is sealed the first time it is read; without the key (or with another one)
 * nothing is signed and the JWKS says what to configure (503).
 */
import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, jwtVerify, createLocalJWKSet, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialKey, openSecret, signingKeyContext } from '../credentials/crypto.js';
import { readSigningKeyRow, type SigningKeyRow } from './signing-key-repository.js';
import { getSigningKey, JWT_ALG } from './signing-keys.js';
import { signCallbackToken, verifyCallbackToken } from './tokens.js';
import { apiWithEnv, deps, expectJson } from '../../test/helpers.js';

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const keysWith = (credentialsKey: string | null) => ({ db: env.DB, config: { credentialsKey } });

let original: SigningKeyRow;

beforeAll(async () => {
  await getSigningKey(deps());
  const row = await readSigningKeyRow(env.DB);
  if (!row) throw new Error('no signing key was stored');
  original = row;
});

/** Put `row` back as the one signing key (tests here swap it). */
async function storeRow(row: SigningKeyRow): Promise<void> {
  await env.DB.prepare('DELETE FROM signing_keys').run();
  await env.DB.prepare('INSERT INTO signing_keys (id, kid, private_jwk, public_jwk, created_at) VALUES (1, ?, ?, ?, ?)').bind(row.kid, row.private_jwk, row.public_jwk, new Date().toISOString()).run();
}

afterAll(async () => {
  await storeRow(original);
});

describe('the signing key at rest', () => {
  it('is stored sealed: no private key material in the row, and it opens only under its own context', async () => {
    expect(original.private_jwk).not.toMatch(/"d"\s*:/);
    const stored = JSON.parse(original.private_jwk) as { sealed: { ciphertext: string; iv: string } };
    const key = await credentialKey(env.CREDENTIALS_ENCRYPTION_KEY);
    const privateJwk = JSON.parse(await openSecret(key, stored.sealed, signingKeyContext(original.kid))) as JWK;
    expect(privateJwk).toMatchObject({ kty: 'EC', kid: original.kid, d: expect.any(String) });
    expect(JSON.stringify(original)).not.toContain(privateJwk.d);
    // A credential's identity is no substitute for the signing key's context.
    await expect(openSecret(key, stored.sealed, `local:agent:${original.kid}`)).rejects.toThrow();
    // Tokens signed with it check out against the published key.
    const token = await signCallbackToken(deps(), 'nod_sealed', 60_000);
    expect((await verifyCallbackToken(deps(), `Bearer ${token}`)).sub).toBe('nod_sealed');
  });

  it('seals a key an earlier version stored in clear the first time it is read, and keeps signing with it', async () => {
    const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { extractable: true });
    const kid = crypto.randomUUID();
    const clearPrivate = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALG };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALG, use: 'sig' };
    await storeRow({ kid, private_jwk: JSON.stringify(clearPrivate), public_jwk: JSON.stringify(publicJwk) });
    // A key not loaded in this isolate yet, so the row is read afresh.
    const sealingKey = randomKey();
    const loaded = await getSigningKey(keysWith(sealingKey));
    expect(loaded.kid).toBe(kid);
    const row = await readSigningKeyRow(env.DB);
    expect(row?.private_jwk).not.toContain(clearPrivate.d ?? '<no d>');
    expect(row?.private_jwk).not.toMatch(/"d"\s*:/);
    const sealed = (JSON.parse(row?.private_jwk ?? '{}') as { sealed: { ciphertext: string; iv: string } }).sealed;
    expect(JSON.parse(await openSecret(await credentialKey(sealingKey), sealed, signingKeyContext(kid)))).toEqual(clearPrivate);
    const token = await signCallbackToken(keysWith(sealingKey), 'nod_upgraded', 60_000);
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [publicJwk] }));
    expect(payload.sub).toBe('nod_upgraded');
    await storeRow(original);
  });

  it('without CREDENTIALS_ENCRYPTION_KEY, or with another one, nothing is signed: 503 saying what to do', async () => {
    const missing = await expectJson<{ error: { code: string; message: string } }>(await apiWithEnv('/.well-known/jwks.json', { CREDENTIALS_ENCRYPTION_KEY: undefined }), 503);
    expect(missing.error).toEqual({ code: 'unavailable', message: expect.stringContaining('CREDENTIALS_ENCRYPTION_KEY') });
    const other = await expectJson<{ error: { code: string; message: string } }>(await apiWithEnv('/.well-known/jwks.json', { CREDENTIALS_ENCRYPTION_KEY: randomKey() }), 503);
    expect(other.error.message).toContain('sealed with another key');
    await expect(signCallbackToken(keysWith(null), 'nod_x', 60_000)).rejects.toThrow(/CREDENTIALS_ENCRYPTION_KEY/);
    expect(await expectJson<{ keys: Array<{ kid: string }> }>(await apiWithEnv('/.well-known/jwks.json', {}), 200)).toEqual({ keys: [expect.objectContaining({ kid: original.kid })] });
  });
});
