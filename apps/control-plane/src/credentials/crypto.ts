/**
 * Encryption of stored credentials (DESIGN.md §5): AES-256-GCM through WebCrypto, a fresh
 * 96-bit IV per secret, and the credential's identity (`user:kind:name`) as additional data so
 * a ciphertext cannot be moved to another user or credential. The key is the Worker secret
 * CREDENTIALS_ENCRYPTION_KEY: 32 random bytes, base64 (`openssl rand -base64 32`). It also seals
 * the control plane's signing key, under a context of its own ({@link signingKeyContext}).
 */
import { unavailable } from '@flotilla/kit';

export interface SealedSecret {
  ciphertext: string;
  iv: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/**
 * The AES-GCM key from `rawKey` (base64 of 32 bytes).
 * @throws FlotillaError unavailable (503) when the secret is missing or not 32 bytes
 */
export async function credentialKey(rawKey: string | null | undefined): Promise<CryptoKey> {
  if (typeof rawKey !== 'string' || rawKey === '') {
    throw unavailable('credential storage is not configured: set the CREDENTIALS_ENCRYPTION_KEY secret (openssl rand -base64 32)');
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(rawKey.trim());
  } catch {
    bytes = new Uint8Array();
  }
  if (bytes.byteLength !== 32) throw unavailable('CREDENTIALS_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** Encrypt `secret`, bound to `context` (the credential's identity). */
export async function sealSecret(key: CryptoKey, secret: string, context: string): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const encrypted = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) }, key, new TextEncoder().encode(secret));
  return { ciphertext: toBase64(new Uint8Array(encrypted)), iv: toBase64(iv) };
}

/** Decrypt a sealed secret; throws when the key, the context or the data is wrong. */
export async function openSecret(key: CryptoKey, sealed: SealedSecret, context: string): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(sealed.iv), additionalData: new TextEncoder().encode(context) },
    key,
    fromBase64(sealed.ciphertext),
  );
  return new TextDecoder().decode(plain);
}

/**
 * The context the control plane's signing key (auth/signing-keys.ts) is sealed under: its own,
 * which no credential's identity (`user:kind:name`, kind cloud | git | agent) can be.
 */
export function signingKeyContext(kid: string): string {
  return `control-plane:signing-key:${kid}`;
}

/** What the API shows of a secret: its last four characters. */
export function maskSecret(secret: string): string {
  return `••••${secret.slice(-4)}`;
}
