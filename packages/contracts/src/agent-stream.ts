import { z } from 'zod';

/**
 * The direct channel of a workspace's agent (issue 3; DESIGN.md §2 hop 4, "browsers inside the
 * workspace view also get the live stream straight from the daemon"):
 * `GET {node}/workspaces/:workspaceId/agent/ws?token=<viewer token>&after=<seq>` on the node
 * daemon, a WebSocket carrying the raw ACP `session/update`s of the workspace's agent session.
 * The token (audience `workspace-terminal`) comes from the control plane:
 * `POST /api/projects/:projectId/workspaces/:workspaceId/viewer-token`.
 */

/** Answer of `POST /api/projects/:projectId/workspaces/:workspaceId/viewer-token`. */
export const ViewerTokenResponse = z.object({
  /** WebSocket URL of the direct channel on the workspace's node (without the token). */
  url: z.string().min(1),
  /** JWT, audience `workspace-terminal`, `sub` = node id, claim `workspaceId`. */
  token: z.string().min(1),
  /** When the token stops being accepted for new connections (ISO-8601). */
  expiresAt: z.string(),
});
export type ViewerTokenResponse = z.infer<typeof ViewerTokenResponse>;

/** Claims of a viewer token (audience `workspace-terminal`): one workspace on one node. */
export const ViewerTokenClaims = z.object({
  sub: z.string().min(1),
  workspaceId: z.string().min(1),
});
export type ViewerTokenClaims = z.infer<typeof ViewerTokenClaims>;

/** Most characters of one follow-up prompt (the same bound as the control plane's follow-ups). */
export const FOLLOW_UP_PROMPT_MAX_CHARS = 100_000;

/** Viewer → daemon: a follow-up prompt for the running agent. */
export const AgentStreamClientMessage = z.object({
  type: z.literal('prompt'),
  text: z.string().trim().min(1, 'text must not be empty').max(FOLLOW_UP_PROMPT_MAX_CHARS),
});
export type AgentStreamClientMessage = z.infer<typeof AgentStreamClientMessage>;

/** Daemon → viewer events. */
export const AgentStreamEvent = z.discriminatedUnion('type', [
  /**
   * One raw ACP update (`SessionUpdate` of the ACP schema, not re-validated here). `seq` grows by
   * one per update of the agent session; buffered updates after `after` are replayed first.
   */
  z.object({
    type: z.literal('update'),
    agentSessionId: z.string(),
    seq: z.number().int().positive(),
    receivedAt: z.string(),
    update: z.looseObject({ sessionUpdate: z.string() }),
  }),
  /**
   * A prompt was accepted: delivered now, queued behind the running turn, or a duplicate of one
   * accepted before (same messageId; not delivered again).
   */
  z.object({
    type: z.literal('prompt.accepted'),
    agentSessionId: z.string(),
    messageId: z.uuid(),
    delivery: z.enum(['queued', 'delivered', 'duplicate']),
  }),
  /** A message from the viewer was refused (`bad_request`, `conflict`, `not_found`). */
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type AgentStreamEvent = z.infer<typeof AgentStreamEvent>;
