/**
 * Trigger secrets: made here (32 random bytes, base64url, prefixed `flt_trg_`), shown once at
 * creation. A webhook trigger keeps only the SHA-256 of its secret and checks a presented bearer
 * token against it in constant time; a GitHub issue trigger keeps its secret encrypted (the
 * credentials' AES-GCM, credentials/crypto.ts) because checking GitHub's `X-Hub-Signature-256`
 * (HMAC-SHA256 of the body's bytes, https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries)
 * needs it; WebCrypto's HMAC verify compares in constant time.
 */
import type { Deps } from '../deps.js';
import { credentialKey, openSecret, sealSecret, type SealedSecret } from '../credentials/crypto.js';

const encoder = new TextEncoder();

const toBase64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** A fresh trigger secret. */
export function newTriggerSecret(): string {
  return `flt_trg_${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** SHA-256 of `secret`, hex: what a webhook trigger stores. */
export async function hashSecret(secret: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(secret)));
}

/** True when `presented` hashes to `storedHash` (compared in constant time). */
export async function matchesHash(presented: string, storedHash: string): Promise<boolean> {
  const presentedHash = encoder.encode(await hashSecret(presented));
  const stored = encoder.encode(storedHash);
  if (presentedHash.byteLength !== stored.byteLength) return false;
  return crypto.subtle.timingSafeEqual(presentedHash, stored);
}

/** The context a GitHub trigger's secret is sealed under: its own, which no credential's can be. */
const sealContext = (triggerId: string) => `trigger:${triggerId}:github-webhook-secret`;

/**
 * Encrypt a GitHub trigger's secret for storage.
 * @throws FlotillaError unavailable (503) when CREDENTIALS_ENCRYPTION_KEY is not configured
 */
export async function sealTriggerSecret(deps: Pick<Deps, 'config'>, triggerId: string, secret: string): Promise<SealedSecret> {
  return sealSecret(await credentialKey(deps.config.credentialsKey), secret, sealContext(triggerId));
}

/** Decrypt a GitHub trigger's secret. @throws when the key or the data is wrong */
export async function openTriggerSecret(deps: Pick<Deps, 'config'>, triggerId: string, sealed: SealedSecret): Promise<string> {
  return openSecret(await credentialKey(deps.config.credentialsKey), sealed, sealContext(triggerId));
}

/**
 * True when `signatureHeader` (`sha256=<hex>`) is the HMAC-SHA256 of `body` keyed by `secret`.
 * A missing or malformed header is false.
 */
export async function validGitHubSignature(secret: string, body: Uint8Array, signatureHeader: string | null): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signatureHeader?.trim() ?? '');
  if (!match?.[1]) return false;
  const signature = Uint8Array.from(match[1].match(/../g) ?? [], (pair) => parseInt(pair, 16));
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', key, signature, body);
}
