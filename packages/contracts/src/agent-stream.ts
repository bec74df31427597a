import * as z from 'zod';

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
  /** JWT, audience `workspace-terminal`, `sub` = node id, claims `workspaceId` and `usr` (the user it was made for). */
  token: z.string().min(1),
  /** When the token stops being accepted for new connections (ISO-8601). */
  expiresAt: z.string(),
});
export type ViewerTokenResponse = z.infer<typeof ViewerTokenResponse>;

/** Claims of a viewer token (audience `workspace-terminal`): one workspace on one node. */
export const ViewerTokenClaims = z.object({
  sub: z.string().min(1),
  workspaceId: z.string().min(1),
  /** The user the token was made for (members.ts; `local` for the implicit local user): who answers through it. */
  usr: z.string().min(1).optional(),
});
export type ViewerTokenClaims = z.infer<typeof ViewerTokenClaims>;

/** Most characters of one follow-up prompt (the same bound as the control plane's follow-ups). */
export const FOLLOW_UP_PROMPT_MAX_CHARS = 100_000;

/**
 * Viewer → daemon: a follow-up prompt for the running agent, or the answer to an open permission
 * request (`permission.requested`, policy `ask`): one of the request's `optionId`s.
 */
export const AgentStreamClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('prompt'),
    text: z.string().trim().min(1, 'text must not be empty').max(FOLLOW_UP_PROMPT_MAX_CHARS),
  }),
  z.object({
    type: z.literal('permission'),
    requestId: z.string().min(1).max(200),
    optionId: z.string().min(1).max(200),
  }),
]);
export type AgentStreamClientMessage = z.infer<typeof AgentStreamClientMessage>;

/** What a tool call asking permission wants to do (from ACP `ToolCallUpdate`). */
export const PermissionToolCall = z.object({
  toolCallId: z.string(),
  title: z.string().nullable(),
  /** ACP `ToolKind` (`read`, `edit`, `execute`, …), when the agent gave one. */
  kind: z.string().nullable(),
  /** Files the tool call touches. */
  locations: z.array(z.object({ path: z.string(), line: z.number().int().nullable() })),
});
export type PermissionToolCall = z.infer<typeof PermissionToolCall>;

/** One answer a viewer may give to a permission request (ACP `PermissionOption`). */
export const PermissionRequestOption = z.object({
  optionId: z.string(),
  name: z.string(),
  /** `allow_once`, `allow_always`, `reject_once`, `reject_always`. */
  kind: z.string(),
});
export type PermissionRequestOption = z.infer<typeof PermissionRequestOption>;

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
  /**
   * The agent asks permission for a tool call (ACP `session/request_permission`, policy `ask`);
   * open until `permission.resolved` with the same `requestId`. Open requests are replayed to
   * every viewer that connects.
   */
  z.object({
    type: z.literal('permission.requested'),
    agentSessionId: z.string(),
    requestId: z.string(),
    requestedAt: z.string(),
    toolCall: PermissionToolCall,
    options: z.array(PermissionRequestOption),
  }),
  /**
   * A permission request was answered: by a viewer (`viewer`), by the daemon when nobody answered
   * in time (`timeout`, the reject option), or it ended with the agent (`cancelled`, no option).
   */
  z.object({
    type: z.literal('permission.resolved'),
    agentSessionId: z.string(),
    requestId: z.string(),
    optionId: z.string().nullable(),
    by: z.enum(['viewer', 'timeout', 'cancelled']),
  }),
  /** A message from the viewer was refused (`bad_request`, `conflict`, `not_found`). */
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type AgentStreamEvent = z.infer<typeof AgentStreamEvent>;
