/**
 * Who is calling a route, as its auth middleware established it (set in Hono's `principal`
 * variable): the user of the public API, a node daemon (node token), or a workspace on a node
 * (workspace-scoped callback token). Local mode has one implicit user.
 */
import { FlotillaError } from '@flotilla/kit';
import type { CallbackClaims } from '@flotilla/contracts';
import type { WorkspaceRow } from '../workspaces/repository.js';

/** Local mode has one implicit user: every project, node and credential is theirs. */
export const IMPLICIT_USER_ID = 'local';

/** The public API's caller (the API token or its session cookie, or anyone while the API is open). */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  /** The personal API token the request carried (auth/personal-tokens.ts); absent for the shared token, the cookie or an open API. */
  tokenId?: string;
  /** The projects that token reaches; null or absent: every project (auth/token-scope.ts). */
  projectIds?: string[] | null;
  /**
   * Whether the caller is the deployment's operator, who passes every access check as the owner
   * of every project (members/access.ts): local mode's implicit user, the shared API token, a
   * personal token the implicit user made, and a deployment administrator (users.is_admin) signed
   * in by cookie or by their personal token. Set once, where the principal is established.
   */
  operator: boolean;
}

/** A node daemon presenting its node's callback token (`sub` = the route's node). */
export interface NodePrincipal {
  kind: 'node';
  nodeId: string;
  claims: CallbackClaims;
}

/** A node daemon presenting the callback token of one of its workspaces (the route's workspace). */
export interface WorkspacePrincipal {
  kind: 'workspace';
  nodeId: string;
  workspace: WorkspaceRow;
}

export type Principal = UserPrincipal | NodePrincipal | WorkspacePrincipal;

/**
 * The id of the public API's caller: a signed-in user's (by session cookie or personal token),
 * or {@link IMPLICIT_USER_ID} for the operator (local mode, the shared API token).
 * @throws FlotillaError internal (500) on a route whose caller is not a user (a bug)
 */
export function callerId(principal: Principal | undefined): string {
  return principalOf(principal, 'user').userId;
}

/** The signed-in user calling the public API, or null for the operator (local mode, the shared token). */
export function signedInUserId(principal: Principal | undefined): string | null {
  const id = callerId(principal);
  return id === IMPLICIT_USER_ID ? null : id;
}

/**
 * The principal of kind `kind`, as the route's middleware set it.
 * @throws FlotillaError internal (500) when the route's middleware set another kind (a bug: the
 *   route table's auth kind and the handler disagree)
 */
export function principalOf<K extends Principal['kind']>(principal: Principal | undefined, kind: K): Extract<Principal, { kind: K }> {
  if (principal?.kind !== kind) throw new FlotillaError('internal', `this route expected a ${kind} principal, got ${principal?.kind ?? 'none'}`);
  return principal as Extract<Principal, { kind: K }>;
}
