import * as z from 'zod';

/**
 * JWT audiences (DESIGN.md §5). Tokens are ES256, signed by the control plane, published at
 * `/.well-known/jwks.json`.
 */
export const JwtAudience = {
  /** control plane → node daemon */
  nodeManagement: 'node-management',
  /** node daemon → control plane; `sub` is the node id */
  workspaceCallback: 'workspace-callback',
  /** browser → node daemon */
  workspaceTerminal: 'workspace-terminal',
} as const;

export const JWT_ISSUER = 'flotilla-control-plane';

/**
 * Claims of a callback token: bound to one node (`sub`), optionally to one workspace. `exp` is
 * the expiry in seconds since the epoch (JWT NumericDate); every callback token has one.
 */
export const CallbackClaims = z.object({
  sub: z.string(),
  workspaceId: z.string().optional(),
  exp: z.number(),
});
export type CallbackClaims = z.infer<typeof CallbackClaims>;
