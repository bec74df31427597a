/**
 * JWTs the control plane issues and checks (DESIGN.md §5):
 * - `workspace-callback` tokens, handed to a node daemon at provisioning (`sub` = node id) and
 *   per workspace (`workspaceId` claim too); the daemon presents them on callbacks.
 * - `node-management` tokens, presented by the control plane to a node daemon (`sub` = node id).
 */
import { CallbackClaims, JWT_ISSUER, JwtAudience } from '@flotilla/contracts';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { unauthorized } from '@flotilla/kit';
import { JWT_ALG, getSigningKey, type PublicJwk, type SigningKeyDeps } from './signing-keys.js';

/** Sign a JWT for `audience` with this control plane's key; `ttlMs` in milliseconds. */
async function sign(keys: SigningKeyDeps, audience: string, claims: Record<string, unknown>, subject: string, ttlMs: number) {
  const key = await getSigningKey(keys);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: JWT_ALG, kid: key.kid })
    .setIssuer(JWT_ISSUER)
    .setAudience(audience)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(new Date(Date.now() + ttlMs))
    .sign(key.privateKey);
}

/** Callback token for node `nodeId`, optionally scoped to one workspace. `ttlMs` in milliseconds. */
export function signCallbackToken(keys: SigningKeyDeps, nodeId: string, ttlMs: number, workspaceId?: string): Promise<string> {
  return sign(keys, JwtAudience.workspaceCallback, workspaceId ? { workspaceId } : {}, nodeId, ttlMs);
}

/**
 * Viewer token (audience `workspace-terminal`) a browser presents to node `nodeId` to open the
 * direct agent channel of `workspaceId` (DESIGN.md §5), naming the user `userId` it is made for
 * (claim `usr`). `ttlMs` in milliseconds.
 */
export function signViewerToken(keys: SigningKeyDeps, nodeId: string, workspaceId: string, userId: string, ttlMs: number): Promise<string> {
  return sign(keys, JwtAudience.workspaceTerminal, { workspaceId, usr: userId }, nodeId, ttlMs);
}

/** Lifetime of a node-management token: signed afresh for every call to a node, so minutes are plenty. */
const NODE_MANAGEMENT_TOKEN_TTL_MS = 5 * 60 * 1000;

/** Short-lived token the control plane presents to node `nodeId` (NODE_MANAGEMENT_TOKEN_TTL_MS). */
export function signNodeManagementToken(keys: SigningKeyDeps, nodeId: string): Promise<string> {
  return sign(keys, JwtAudience.nodeManagement, {}, nodeId, NODE_MANAGEMENT_TOKEN_TTL_MS);
}

/**
 * Verify a callback token from an `Authorization: Bearer …` header.
 * @throws FlotillaError 401 when missing, malformed, expired, or not a callback token
 */
export async function verifyCallbackToken(keys: SigningKeyDeps, authorization: string | undefined): Promise<CallbackClaims> {
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!token) throw unauthorized('missing Authorization: Bearer <callback token>');
  const key = await getSigningKey(keys);
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [key.publicJwk] }), {
      issuer: JWT_ISSUER,
      audience: JwtAudience.workspaceCallback,
    });
    return CallbackClaims.parse(payload);
  } catch {
    throw unauthorized('callback token is invalid or expired');
  }
}

/** The public JSON Web Key Set (`/.well-known/jwks.json`). */
export async function publicJwks(keys: SigningKeyDeps): Promise<{ keys: PublicJwk[] }> {
  const key = await getSigningKey(keys);
  return { keys: [key.publicJwk] };
}
