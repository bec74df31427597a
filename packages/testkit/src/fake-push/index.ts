/**
 * Fake Web Push service (test-only), playing both ends a real push service and browser play,
 * after the published standards: `subscribe()` makes a browser's subscription (an ECDH P-256 key
 * pair and a 16-byte auth secret, RFC 8291 §2), and the server takes `POST /push/:id` as a push
 * service does (RFC 8030 §5): it checks the VAPID `Authorization: vapid t=<JWT>, k=<key>` (RFC
 * 8292: ES256 signature by `k`, `aud` = this service's origin, `exp` in the future and at most
 * 24 h away, a `sub`; and `k` is the expected application server key when one was given), then
 * decrypts the `aes128gcm` body with the subscription's private key (RFC 8291 §3.4, RFC 8188)
 * and records the plaintext. A refused push is answered 400/401/404 and recorded as a refusal.
 */
import { createECDH, createPublicKey, createDecipheriv, hkdfSync, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A subscription as a browser's `PushSubscription.toJSON()` gives it. */
export interface FakePushSubscriptionJson {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

/** A push the service accepted and decrypted. */
export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted message, as text. */
  text: string;
  /** The VAPID JWT's claims. */
  claims: { aud: string; exp: number; sub: string };
  /** The request's TTL and Urgency headers. */
  ttl: string | undefined;
  urgency: string | undefined;
}

export interface FakePushService {
  url: string;
  /** Pushes accepted, in order. */
  received: ReceivedPush[];
  /** Why pushes were refused, in order. */
  refusals: string[];
  /** A new subscription of a "browser" (its private keys stay here). */
  subscribe(): FakePushSubscriptionJson;
  /** Refuse pushes not signed with this application server key (base64url), from now on. */
  expectApplicationServerKey(key: string): void;
  close(): Promise<void>;
}

interface SubscriptionKeys {
  ecdh: ReturnType<typeof createECDH>;
  publicKey: Buffer;
  auth: Buffer;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Verify the VAPID header (RFC 8292 §3) and return the JWT's claims and key. */
function checkVapid(header: string | undefined, origin: string, expectedKey: string | null): ReceivedPush['claims'] {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Refusal(401, 'no VAPID authorization');
  const [, jwt = '', key = ''] = match;
  if (expectedKey !== null && key !== expectedKey) throw new Refusal(401, 'the VAPID key is not the subscription\'s application server key');
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Refusal(401, 'the VAPID key is not an uncompressed P-256 point');
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33, 65)) }, format: 'jwk' });
  const [head = '', body = '', signature = ''] = jwt.split('.');
  const header64 = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: string };
  if (header64.alg !== 'ES256') throw new Refusal(401, `the VAPID JWT is signed with ${header64.alg}, not ES256`);
  if (!verify('sha256', Buffer.from(`${head}.${body}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) throw new Refusal(401, 'the VAPID JWT signature does not verify');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ReceivedPush['claims'];
  const now = Math.floor(Date.now() / 1000);
  if (claims.aud !== origin) throw new Refusal(401, `the VAPID JWT's aud ${claims.aud} is not ${origin}`);
  if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 60 * 60) throw new Refusal(401, 'the VAPID JWT has expired or lives longer than 24 h');
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Refusal(401, 'the VAPID JWT has no mailto: or https: sub');
  return claims;
}

/** Decrypt an `aes128gcm` push message (RFC 8291 §3.4 keys, RFC 8188 one record). */
function decrypt(body: Buffer, keys: SubscriptionKeys): string {
  if (body.length < 21 + 65 + 17) throw new Refusal(400, 'the body is too short for aes128gcm');
  const salt = body.subarray(0, 16);
  const idLength = body[20] ?? 0;
  const serverPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const ecdhSecret = keys.ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.publicKey, serverPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, keys.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  let padded: Buffer;
  try {
    padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  } catch {
    throw new Refusal(400, 'the body does not decrypt with the subscription keys');
  }
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Refusal(400, 'the last record has no 0x02 delimiter');
  return padded.subarray(0, end).toString('utf8');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Start the fake push service on a free loopback port. */
export async function startFakePushService(): Promise<FakePushService> {
  const subscriptions = new Map<string, SubscriptionKeys>();
  const received: ReceivedPush[] = [];
  const refusals: string[] = [];
  let expectedKey: string | null = null;
  let origin = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    try {
      if (req.method !== 'POST' || !id) throw new Refusal(404, `no route ${req.method} ${req.url}`);
      const keys = subscriptions.get(id);
      if (!keys) throw new Refusal(404, `no subscription ${id}`);
      const claims = checkVapid(req.headers.authorization, origin, expectedKey);
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Refusal(400, `content-encoding ${req.headers['content-encoding']} is not aes128gcm`);
      if (!req.headers.ttl) throw new Refusal(400, 'no TTL header');
      const text = decrypt(body, keys);
      received.push({ subscriptionId: id, text, claims, ttl: req.headers.ttl as string | undefined, urgency: req.headers.urgency as string | undefined });
      res.writeHead(201, { location: `${origin}/messages/${randomUUID()}` }).end();
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(400, String(error));
      refusals.push(refusal.message);
      res.writeHead(refusal.status, { 'content-type': 'text/plain' }).end(refusal.message);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    received,
    refusals,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomUUID();
      subscriptions.set(id, { ecdh, publicKey, auth });
      return { endpoint: `${origin}/push/${id}`, expirationTime: null, keys: { p256dh: b64url(publicKey), auth: b64url(auth) } };
    },
    expectApplicationServerKey(key) {
      expectedKey = key;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
