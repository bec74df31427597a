/**
 * Authentication of control-plane → daemon calls (DESIGN.md §5): `Authorization: Bearer <JWT>`,
 * ES256-signed by the control plane, verified against its JWKS
 * (`<controlPlaneUrl>/.well-known/jwks.json`), issuer `JWT_ISSUER`, audience `node-management`,
 * and `sub` equal to this node's id.
 *
 * Missing or invalid token → 401; a valid token for another node → 403; the control plane's keys
 * unreachable → 503 (the caller is not at fault).
 */
import type { MiddlewareHandler } from 'hono';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { JWT_ISSUER, JwtAudience, ViewerTokenClaims } from '@flotilla/contracts';
import { FlotillaError } from '@flotilla/kit';
import type { Logger } from '@flotilla/kit';

/** The control plane's published signing keys (fetched when first needed, then cached by jose). */
export function controlPlaneKeys(controlPlaneUrl: string): ReturnType<typeof createRemoteJWKSet> {
  return createRemoteJWKSet(new URL(`${controlPlaneUrl}/.well-known/jwks.json`));
}

/**
 * Fetch the control plane's keys now, in the background (issue 15: the daemon's start is on a new
 * node's path): the first request after the node's ready callback — its workspace — is then
 * verified without a round trip to the control plane. A failure is only logged: the first
 * verification fetches them again.
 */
export function prefetchControlPlaneKeys(keys: ReturnType<typeof createRemoteJWKSet>, logger: Logger): void {
  keys.reload().catch((error: unknown) => {
    logger.warn('control plane keys not fetched yet; the first request fetches them', { error: error instanceof Error ? error.message : String(error) });
  });
}

/** jose errors that mean "could not get the keys", not "bad token". */
const KEY_FETCH_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/**
 * Middleware requiring a `node-management` token for `nodeId`.
 *
 * @param keys - usually {@link controlPlaneKeys}.
 */
export function requireNodeManagementToken(options: { keys: JWTVerifyGetKey; nodeId: string; logger: Logger }): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw new FlotillaError('unauthorized', 'missing Bearer token');
    let subject: string | undefined;
    try {
      const { payload } = await jwtVerify(match[1]!, options.keys, {
        issuer: JWT_ISSUER,
        audience: JwtAudience.nodeManagement,
      });
      subject = payload.sub;
    } catch (error) {
      if (error instanceof errors.JOSEError && !KEY_FETCH_FAILURES.has(error.code)) {
        throw new FlotillaError('unauthorized', `invalid token: ${error.message}`);
      }
      options.logger.warn('cannot verify token: control plane keys unavailable', { error: (error as Error).message });
      throw new FlotillaError('unavailable', 'cannot fetch the control plane signing keys');
    }
    if (subject !== options.nodeId) {
      throw new FlotillaError('forbidden', 'token is not for this node');
    }
    await next();
  };
}

/**
 * Verify a viewer token (audience `workspace-terminal`, DESIGN.md §5) for the direct agent
 * channel of `workspaceId` on node `nodeId`.
 *
 * @throws FlotillaError unauthorized (missing, invalid or expired token), forbidden (a token for
 *   another node or workspace), unavailable (the control plane's keys cannot be fetched).
 */
export async function verifyViewerToken(
  token: string | undefined,
  options: { keys: JWTVerifyGetKey; nodeId: string; workspaceId: string; logger: Logger },
): Promise<void> {
  if (!token) throw new FlotillaError('unauthorized', 'missing viewer token (?token= or Authorization: Bearer)');
  let claims: ViewerTokenClaims;
  try {
    const { payload } = await jwtVerify(token, options.keys, { issuer: JWT_ISSUER, audience: JwtAudience.workspaceTerminal });
    const parsed = ViewerTokenClaims.safeParse(payload);
    if (!parsed.success) throw new FlotillaError('unauthorized', 'viewer token lacks its workspace claims');
    claims = parsed.data;
  } catch (error) {
    if (error instanceof FlotillaError) throw error;
    if (error instanceof errors.JOSEError && !KEY_FETCH_FAILURES.has(error.code)) {
      throw new FlotillaError('unauthorized', `invalid viewer token: ${error.message}`);
    }
    options.logger.warn('cannot verify viewer token: control plane keys unavailable', { error: (error as Error).message });
    throw new FlotillaError('unavailable', 'cannot fetch the control plane signing keys');
  }
  if (claims.sub !== options.nodeId) throw new FlotillaError('forbidden', 'viewer token is not for this node');
  if (claims.workspaceId !== options.workspaceId) throw new FlotillaError('forbidden', `viewer token is not for workspace ${options.workspaceId}`);
}
