/**
 * The daemon's callback tokens over time. The control plane refreshes them in its heartbeat
 * answer (contracts `NodeHeartbeatResponse`; the rule is on the control plane's heartbeat route):
 * the node token, held here and persisted in the daemon database (table `daemon_state`) so a
 * restarted daemon keeps using the newest one, and each workspace's token, in the workspace store.
 * Tokens are never logged.
 */
import type { NodeHeartbeatResponse } from '@flotilla/contracts';
import { decodeJwt } from 'jose';
import type { SqliteDatabase } from '../db/database.js';
import type { WorkspaceStore } from '../db/workspace-store.js';
import type { Logger } from '@flotilla/kit';

/** Key of the refreshed node token in `daemon_state`. */
const NODE_TOKEN_KEY = 'node_callback_token';

/** Payload of a JWT, decoded WITHOUT verifying it; null when `token` is not a JWT. */
function claimsOf(token: string): { exp?: number; sub?: string } | null {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}

/**
 * `exp` of a JWT (seconds since the epoch), decoded without verification; -Infinity when the
 * token is not a JWT or has no `exp`, so any token with an expiry counts as later.
 */
export function tokenExpiry(token: string): number {
  const exp = claimsOf(token)?.exp;
  return typeof exp === 'number' ? exp : -Infinity;
}

/** The node-scoped callback token in force: what ControlPlaneClient presents on node calls. */
export class NodeTokenHolder {
  private current: string;

  /**
   * Start with whichever expires later (`exp`, decoded without verification): `configured`
   * (FLOTILLA_CALLBACK_TOKEN or its file) or the token a previous run stored after a refresh,
   * when that one is for this node (`sub` = `nodeId`). On a tie the configured one is used.
   */
  constructor(
    private readonly db: SqliteDatabase,
    nodeId: string,
    configured: string,
    private readonly logger: Logger,
  ) {
    const stored = this.db
      .prepare<[string], { value: string }>('SELECT value FROM daemon_state WHERE key = ?')
      .get(NODE_TOKEN_KEY)?.value;
    const storedIsNewer = stored !== undefined && claimsOf(stored)?.sub === nodeId && tokenExpiry(stored) > tokenExpiry(configured);
    this.current = storedIsNewer ? stored : configured;
    if (storedIsNewer) this.logger.info('using the refreshed node callback token stored by an earlier run', { expiresAt: expiryText(stored) });
  }

  /** The token to present now. */
  get(): string {
    return this.current;
  }

  /**
   * Use `token` from now on and persist it, unless the current token expires later (an older
   * heartbeat answer arriving late).
   *
   * @returns whether `token` was taken.
   */
  replace(token: string): boolean {
    if (tokenExpiry(this.current) > tokenExpiry(token)) return false;
    this.db
      .prepare(
        `INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(NODE_TOKEN_KEY, token, new Date().toISOString());
    this.current = token;
    return true;
  }
}

function expiryText(token: string): string | null {
  const exp = tokenExpiry(token);
  return Number.isFinite(exp) ? new Date(exp * 1000).toISOString() : null;
}

/**
 * Swap in the refreshed tokens of a heartbeat answer: the node token (persisted) and the token of
 * each workspace the daemon knows (others are skipped; a workspace token that expires later than
 * the one offered is kept). Does nothing when the answer carries no tokens.
 */
export function applyRefreshedTokens(
  answer: NodeHeartbeatResponse,
  deps: { nodeToken: NodeTokenHolder; workspaces: WorkspaceStore; logger: Logger },
): void {
  const { callbackToken, workspaceTokens = {} } = answer;
  if (callbackToken === undefined && Object.keys(workspaceTokens).length === 0) return;
  const nodeTokenTaken = callbackToken !== undefined && deps.nodeToken.replace(callbackToken);
  let workspacesUpdated = 0;
  for (const [workspaceId, token] of Object.entries(workspaceTokens)) {
    const known = deps.workspaces.get(workspaceId);
    if (!known || tokenExpiry(known.callbackToken) > tokenExpiry(token)) continue;
    if (deps.workspaces.updateCallbackToken(workspaceId, token)) workspacesUpdated += 1;
  }
  deps.logger.info('callback tokens refreshed', {
    // A field named `nodeToken` would be redacted by the logger; this one says whether it was replaced.
    nodeTokenReplaced: nodeTokenTaken,
    nodeTokenExpiresAt: expiryText(deps.nodeToken.get()),
    workspacesUpdated,
  });
}
