/**
 * How a webhook delivery is signed (README "Notifications"): HMAC-SHA256, keyed with the
 * webhook's secret, over `<timestamp>.<raw body>`, where `<timestamp>` is the Unix time in
 * seconds sent in the `X-Flotilla-Timestamp` header; the signature goes in
 * `X-Flotilla-Signature: sha256=<lowercase hex>`. A receiver recomputes it over the exact bytes
 * it received and refuses a timestamp too far from its clock (a replay). WebCrypto only.
 */

export const SIGNATURE_HEADER = 'X-Flotilla-Signature';
export const TIMESTAMP_HEADER = 'X-Flotilla-Timestamp';
export const EVENT_HEADER = 'X-Flotilla-Event';
export const DELIVERY_HEADER = 'X-Flotilla-Delivery';

const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The `X-Flotilla-Signature` value of `body` sent at `timestampSeconds`.
 * @param secret - the webhook's secret (as shown once at creation)
 * @param timestampSeconds - Unix time in seconds, as sent in `X-Flotilla-Timestamp`
 * @param body - the exact request body
 */
export async function signWebhookBody(secret: string, timestampSeconds: number, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${timestampSeconds}.${body}`));
  return `sha256=${toHex(mac)}`;
}

/** A new webhook secret: 32 random bytes, hex, prefixed `whsec_`. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${toHex(bytes.buffer)}`;
}
