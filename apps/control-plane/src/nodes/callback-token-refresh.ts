/**
 * Refresh of the callback tokens a node daemon holds, handed out in the answer to its heartbeat
 * (`POST /api/nodes/:nodeId/heartbeat`, callbacks.routes.ts). The rule is there, on the route.
 */
import type { CallbackClaims, NodeHeartbeatResponse } from '@flotilla/contracts';
import type { SigningKeyDeps } from '../auth/signing-keys.js';
import { signCallbackToken } from '../auth/tokens.js';
import { liveWorkspacesOfNodeAmong } from '../workspaces/repository.js';

/** The tokens part of a heartbeat answer (both absent when nothing is refreshed). */
export type RefreshedTokens = Pick<NodeHeartbeatResponse, 'callbackToken' | 'workspaceTokens'>;

/**
 * True when a node token with these claims has less than half of `ttlMs` (milliseconds) left at
 * `nowMs` (milliseconds since the epoch). Workspace-scoped tokens are never refreshed this way.
 */
export function nodeTokenNeedsRefresh(claims: CallbackClaims, ttlMs: number, nowMs = Date.now()): boolean {
  if (claims.workspaceId !== undefined) return false;
  return claims.exp * 1000 - nowMs < ttlMs / 2;
}

/**
 * Fresh tokens for node `nodeId` when its presented token (`claims`) needs a refresh (see
 * {@link nodeTokenNeedsRefresh}): a node token, and a workspace token for each of `workspaceIds`
 * that belongs to this node and is not destroyed (others are left out silently). Each new token
 * lives `ttlMs` milliseconds. Returns `{}` when no refresh is due.
 */
export async function refreshCallbackTokens(
  keys: SigningKeyDeps,
  nodeId: string,
  claims: CallbackClaims,
  workspaceIds: readonly string[],
  ttlMs: number,
): Promise<RefreshedTokens> {
  if (!nodeTokenNeedsRefresh(claims, ttlMs)) return {};
  const callbackToken = await signCallbackToken(keys, nodeId, ttlMs);
  const workspaceTokens: Record<string, string> = {};
  for (const workspaceId of await liveWorkspacesOfNodeAmong(keys.db, nodeId, workspaceIds)) {
    workspaceTokens[workspaceId] = await signCallbackToken(keys, nodeId, ttlMs, workspaceId);
  }
  return { callbackToken, workspaceTokens };
}
