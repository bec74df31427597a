/**
 * Prefixed, time-sortable identifiers (`prj_…`, `tsk_…`, `nod_…`).
 *
 * Layout: `<prefix>_<10 chars of base32 milliseconds><16 chars of base32 randomness>` —
 * the ULID alphabet, so ids sort by creation time as plain strings. Works in the Worker
 * and in Node (only `crypto.getRandomValues` is needed).
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'prj' | 'tsk' | 'nod' | 'ws' | 'as' | 'ses' | 'evt' | 'trg' | 'hot' | 'tok' | 'aud' | 'usr' | 'uss' | 'inv';

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i += 1) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(length: number): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % 32];
  return out;
}

/** New id for `prefix`, e.g. `newId('tsk')` → `tsk_01jd3…`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${encodeTime(Date.now())}${encodeRandom(16)}`;
}
