/**
 * The control plane's VAPID identity for Web Push (RFC 8292): one ECDSA P-256 key pair, made on
 * first use and kept in D1 (the private key sealed with CREDENTIALS_ENCRYPTION_KEY like every
 * credential, under a context of its own). Browsers subscribe with its public key; every push
 * carries `Authorization: vapid t=<ES256 JWT for the push service's origin>, k=<public key>`,
 * signed here with jose (the payload itself is encrypted by @block65/webcrypto-web-push; its own
 * VAPID helper refuses http endpoints, which local mode's test push service uses).
 */
import { importJWK, SignJWT, type JWK } from 'jose';
import type { Deps } from '../deps.js';
import { credentialKey, openSecret, sealSecret } from '../credentials/crypto.js';
import { getVapidKeyRow, insertVapidKeyRow } from './push-repository.js';

/** The context the VAPID private key is sealed under (no credential's identity can be it). */
const VAPID_CONTEXT = 'control-plane:vapid-private-key';

/** Lifetime of one VAPID JWT (RFC 8292 §2: at most 24 h), in seconds. */
const VAPID_JWT_TTL_SECONDS = 12 * 60 * 60;

export interface VapidKeys {
  /** base64url of the uncompressed P-256 point (65 bytes): the browser's `applicationServerKey`. */
  publicKey: string;
  /** The private key as a JWK (with `d`). */
  privateJwk: JWK;
}

const base64Url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * The VAPID key pair, made and stored on first use.
 * @throws FlotillaError unavailable (503) when CREDENTIALS_ENCRYPTION_KEY is not configured
 */
export async function vapidKeys(deps: Pick<Deps, 'db' | 'config'>): Promise<VapidKeys> {
  const key = await credentialKey(deps.config.credentialsKey);
  const stored = await getVapidKeyRow(deps.db);
  if (stored) {
    const privateJwk = JSON.parse(await openSecret(key, { ciphertext: stored.private_ciphertext, iv: stored.private_iv }, VAPID_CONTEXT)) as JWK;
    return { publicKey: stored.public_key, privateJwk };
  }
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = base64Url((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const privateJwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JWK;
  await insertVapidKeyRow(deps.db, publicKey, await sealSecret(key, JSON.stringify(privateJwk), VAPID_CONTEXT));
  // Two first uses at once: the row that won is the one to use.
  const winner = await getVapidKeyRow(deps.db);
  if (winner && winner.public_key !== publicKey) return vapidKeys(deps);
  return { publicKey, privateJwk };
}

/**
 * The `Authorization` header of a push to `endpoint`.
 * @param subject - the JWT's `sub`: a `mailto:` or https URL the push service may contact
 */
export async function vapidAuthorization(keys: VapidKeys, endpoint: string, subject: string): Promise<string> {
  const signingKey = await importJWK({ ...keys.privateJwk, key_ops: undefined, ext: undefined }, 'ES256');
  const jwt = await new SignJWT({ sub: subject })
    .setProtectedHeader({ typ: 'JWT', alg: 'ES256' })
    .setAudience(new URL(endpoint).origin)
    .setExpirationTime(Math.floor(Date.now() / 1000) + VAPID_JWT_TTL_SECONDS)
    .sign(signingKey);
  return `vapid t=${jwt}, k=${keys.publicKey}`;
}
