/**
 * The local cloud's auth (contracts AuthKind `localCloud`): every call carries
 * `Authorization: Bearer <secret>`, the secret the CLI made once in its state directory
 * (stack/secrets.ts) and handed the control plane as LOCAL_CLOUD_SECRET. Loopback alone is no
 * guard: any local process — an agent run without a sandbox, a web page's request through the
 * browser — could otherwise start node daemons with a token of its choosing, or stop them.
 */
import { unauthorized } from '@flotilla/kit';
import type { MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';

/** Shortest secret accepted (characters): a generated one has 43. */
export const MIN_SECRET_CHARS = 32;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time equality of two secrets: their SHA-256 digests compared with `timingSafeEqual`. */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Middleware admitting only callers that present `secret` as a bearer token.
 * @throws Error (at creation) when `secret` is shorter than {@link MIN_SECRET_CHARS}
 * @throws FlotillaError unauthorized (401) for a request without it (never saying what was sent)
 */
export function requireSharedSecret(secret: string): MiddlewareHandler {
  if (secret.length < MIN_SECRET_CHARS) throw new Error(`the local cloud's secret must be at least ${MIN_SECRET_CHARS} characters`);
  return async (c, next) => {
    const presented = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (presented === undefined || !sameSecret(presented, secret)) {
      throw unauthorized("the local cloud requires its secret: send Authorization: Bearer <LOCAL_CLOUD_SECRET from the CLI's secrets.env>");
    }
    await next();
  };
}
