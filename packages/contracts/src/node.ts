import * as z from 'zod';
import { AgentAvailability, AgentCredentialOverrides, AgentType } from './agents.js';
import { EarlyAgentStart } from './early-agent.js';
import { EgressHost } from './egress.js';
import { GitBranchName, RepositoryUrl } from './git-names.js';
import { ModelUsage } from './usage.js';
import { SessionLoadStart } from './session-archive.js';
import { DiffStat } from './task.js';
import { TaskDiffPatch } from './task-diff.js';
import { WarmAgentSpec } from './warm-agents.js';

/** Node status (DESIGN.md §3). `ready` is the active state. */
export const NodeStatus = z.enum(['provisioning', 'ready', 'warm', 'destroying', 'destroyed', 'error']);
export type NodeStatus = z.infer<typeof NodeStatus>;

/** Workspace status (DESIGN.md §3). */
export const WorkspaceStatus = z.enum(['creating', 'running', 'stopping', 'destroyed', 'error']);
export type WorkspaceStatus = z.infer<typeof WorkspaceStatus>;

// ---- node daemon → control plane (callbacks, Bearer token of audience `workspace-callback`) ----

/**
 * How a node contains its agents: `bubblewrap` (every agent process in a sandbox of its own,
 * DESIGN.md §7); `none` — the operator opted out (`FLOTILLA_UNSAFE_NO_SANDBOX=1`) on a machine
 * without bubblewrap, and the agents run unconfined; `unavailable` — no sandbox can be made there
 * and nobody opted out, so the node starts no agent.
 */
export const NodeSandbox = z.enum(['bubblewrap', 'none', 'unavailable']);
export type NodeSandbox = z.infer<typeof NodeSandbox>;

/** `POST /api/nodes/:nodeId/ready`: the daemon is listening at `url`. */
export const NodeReadyRequest = z.object({
  url: z.url(),
  daemonVersion: z.string().min(1),
  /** How its agents are contained; absent (an older daemon): `none`. */
  sandbox: NodeSandbox.default('none'),
  /** Which agents it can run (contracts agents.ts); absent (an older daemon): unknown. */
  agents: z.array(AgentAvailability).max(50).optional(),
});
export type NodeReadyRequest = z.infer<typeof NodeReadyRequest>;

/** `POST /api/nodes/:nodeId/heartbeat`. */
export const NodeHeartbeatRequest = z.object({
  workspaceIds: z.array(z.string()),
});
export type NodeHeartbeatRequest = z.infer<typeof NodeHeartbeatRequest>;

/**
 * Answer to `POST /api/nodes/:nodeId/heartbeat`. When the node token presented has less than half
 * of CALLBACK_TOKEN_TTL_MS left, the control plane hands fresh callback tokens along: the node's
 * (`callbackToken`) and one per listed workspace that is this node's and not destroyed
 * (`workspaceTokens`, workspace id → token); the daemon uses them from then on. Otherwise both
 * are absent.
 */
export const NodeHeartbeatResponse = z.object({
  ok: z.literal(true),
  callbackToken: z.string().min(1).optional(),
  workspaceTokens: z.record(z.string(), z.string().min(1)).optional(),
});
export type NodeHeartbeatResponse = z.infer<typeof NodeHeartbeatResponse>;

/** `POST /api/workspaces/:workspaceId/ready`: the clone is done (or failed). */
export const WorkspaceReadyRequest = z.discriminatedUnion('status', [
  z.object({ status: z.literal('running') }),
  z.object({ status: z.literal('error'), error: z.string().min(1) }),
]);
export type WorkspaceReadyRequest = z.infer<typeof WorkspaceReadyRequest>;

/** `POST /api/tasks/:taskId/callback`: the agent's turn ended (DESIGN.md §2 hop 5). */
export const TaskCallbackRequest = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('completed'),
    branch: z.string().nullable(),
    commitSha: z.string().nullable(),
    prUrl: z.string().nullable().optional(),
    summary: z.string().nullable(),
    filesChanged: z.array(z.string()),
    /** What the run changed on the task branch, measured with git (absent: an older daemon). */
    diffStat: DiffStat.optional(),
    /** The patch itself, bounded by DIFF_PATCH_MAX_BYTES (absent: an older daemon, or it could not be read). */
    diffPatch: TaskDiffPatch.optional(),
    warning: z.string().nullable().optional(),
    /**
     * True when the workspace must stay for inspection although the task completed (the push
     * was rejected: the commit exists only there). Absent means false.
     */
    keepWorkspace: z.boolean().optional(),
    /** The task's model usage, counted by the node's model gateway (absent: none counted). */
    usage: ModelUsage.optional(),
  }),
  z.object({
    status: z.literal('failed'),
    error: z.string().min(1),
    usage: ModelUsage.optional(),
  }),
]);
export type TaskCallbackRequest = z.infer<typeof TaskCallbackRequest>;

// ---- control plane → node daemon (Bearer token of audience `node-management`) ----

/** `POST {node}/workspaces`: clone `repoUrl` and check out `branch` from `baseBranch`. Answers 202. */
/**
 * Credentials for an https repository, for git's HTTP Basic auth (`username`, e.g.
 * `x-access-token` for GitHub tokens). Sent to the node daemon only with a create-workspace
 * request, which it keeps in memory (never on disk, never to the agent).
 */
export const GitCredential = z.object({
  username: z.string().min(1).max(256),
  token: z.string().min(1).max(4096),
});
export type GitCredential = z.infer<typeof GitCredential>;

export const CreateWorkspaceRequest = z.object({
  workspaceId: z.string().min(1),
  repoUrl: RepositoryUrl,
  baseBranch: GitBranchName,
  branch: GitBranchName,
  projectId: z.string().nullable(),
  chatSessionId: z.string().nullable(),
  taskId: z.string().nullable(),
  /** Callback token scoped to this workspace; the daemon uses it for the workspace's callbacks. */
  callbackToken: z.string().min(1),
  /** The user's saved token for the repository's host, when there is one (clone, push, pull request). */
  gitCredential: GitCredential.optional(),
  /**
   * The hosts the workspace's agent may reach through its egress proxy (contracts egress.ts
   * `egressAllowlistFor`); everything else is refused. Absent: none.
   */
  egressAllowlist: z.array(EgressHost).max(300).default([]),
  /**
   * Resume (issue 15 item 3): `branch` exists in the repository already (the task's pushed
   * branch); check it out as it is instead of making it anew from `baseBranch`. Absent: false.
   */
  continueBranch: z.boolean().optional(),
  /**
   * A lean hand-off (issue 15 item 1, early-agent.ts): spawn this agent and `initialize` it while
   * the checkout runs. Absent: the agent starts with its session's start call.
   */
  earlyAgent: EarlyAgentStart.optional(),
});
export type CreateWorkspaceRequest = z.infer<typeof CreateWorkspaceRequest>;

export const WorkspaceInfo = z.object({
  workspaceId: z.string(),
  status: WorkspaceStatus,
  path: z.string(),
  branch: z.string(),
  error: z.string().nullable(),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

/** `POST {node}/workspaces/:workspaceId/agent-sessions`: registers a session; starts nothing. */
export const RegisterAgentSessionRequest = z.object({
  agentSessionId: z.string().min(1),
  chatSessionId: z.string().nullable(),
});
export type RegisterAgentSessionRequest = z.infer<typeof RegisterAgentSessionRequest>;

/**
 * How the node daemon answers the agent's permission requests: `allow` / `reject` by itself;
 * `ask` puts each request on the direct channel (agent-stream.ts) for a viewer to answer, and
 * picks the reject option when nobody answers within PERMISSION_REQUEST_TIMEOUT_MS.
 */
export const PermissionPolicy = z.enum(['allow', 'reject', 'ask']);
export type PermissionPolicy = z.infer<typeof PermissionPolicy>;

/**
 * `POST {node}/workspaces/:workspaceId/agent-sessions/:agentSessionId/start`: starts the agent
 * process and delivers `initialPrompt` as its first `session/prompt`. Answers 202; the turn runs
 * in the background and ends with the task callback when `taskId` is set.
 * `initialPromptMessageId` is the messageId under which the control plane already stored the
 * prompt in the chat, so the daemon's copy deduplicates against it.
 */
export const StartAgentSessionRequest = z.object({
  agentType: AgentType,
  initialPrompt: z.string().min(1, 'initialPrompt must not be empty'),
  initialPromptMessageId: z.uuid().optional(),
  taskId: z.string().nullable(),
  taskTitle: z.string().nullable(),
  permissionPolicy: PermissionPolicy.default('allow'),
  /**
   * Stored agent keys for this agent (additive): put into this agent process's environment only,
   * overriding the daemon's own credentials; never logged, never persisted. The request is
   * authenticated (node-management JWT); over a network the link must be TLS.
   */
  agentCredentials: AgentCredentialOverrides.optional(),
  /** A resumed task's archived ACP session (session-archive.ts): `session/load` it, `initialPrompt` the fallback. */
  sessionLoad: SessionLoadStart.optional(),
});
export type StartAgentSessionRequest = z.infer<typeof StartAgentSessionRequest>;

/**
 * `POST {node}/workspaces/:workspaceId/agent-sessions/:agentSessionId/prompt`: a follow-up prompt
 * for the session's running agent. `messageId` (the chat message id of the prompt) is the
 * idempotency key: the same id is never delivered twice. Answers 202 `FollowUpPromptDelivery`;
 * 409 when the agent is no longer running.
 */
export const DeliverFollowUpPromptRequest = z.object({
  text: z.string().min(1, 'text must not be empty').max(100_000),
  messageId: z.uuid('messageId must be a UUID'),
});
export type DeliverFollowUpPromptRequest = z.infer<typeof DeliverFollowUpPromptRequest>;

/**
 * `delivered`: a turn with it started now; `queued`: delivered when the current turn ends;
 * `duplicate`: this messageId was accepted before (not delivered again).
 */
export const FollowUpPromptDelivery = z.object({
  agentSessionId: z.string(),
  delivery: z.enum(['delivered', 'queued', 'duplicate']),
});
export type FollowUpPromptDelivery = z.infer<typeof FollowUpPromptDelivery>;

export const AgentSessionStatus = z.enum(['registered', 'starting', 'running', 'idle', 'completed', 'failed', 'stopped']);
export type AgentSessionStatus = z.infer<typeof AgentSessionStatus>;

export const AgentSessionInfo = z.object({
  agentSessionId: z.string(),
  workspaceId: z.string(),
  status: AgentSessionStatus,
  agentType: AgentType.nullable(),
  error: z.string().nullable(),
});
export type AgentSessionInfo = z.infer<typeof AgentSessionInfo>;

// ---- local cloud (the CLI-hosted stand-in for a cloud API) ----

/**
 * A node id as the local cloud accepts it: the control plane's `nod_…` ids (contracts ids.ts).
 * It names the node's directory on this machine, so nothing else — `../x`, `/`, `.` — gets in.
 */
export const LocalCloudNodeId = z.string().regex(/^nod_[0-9a-z]{1,64}$/, 'a node id: nod_ and 1 to 64 of 0-9 a-z');
export type LocalCloudNodeId = z.infer<typeof LocalCloudNodeId>;

/** `POST {localCloud}/nodes`: start a node daemon process. What cloud-init would hand a VM. */
export const LocalCloudCreateNodeRequest = z.object({
  nodeId: LocalCloudNodeId,
  controlPlaneUrl: z.url(),
  callbackToken: z.string().min(1),
  /** The warm agent the daemon prepares as it announces itself (FLOTILLA_WARM_AGENT, issue 15). */
  warmAgent: WarmAgentSpec.optional(),
});
export type LocalCloudCreateNodeRequest = z.infer<typeof LocalCloudCreateNodeRequest>;

/**
 * The argument that starts a node daemon as a **standby** (issue 15): it loads its code, then
 * waits for its node's own settings — one {@link NodeStandbyConfig} JSON line on stdin — before it
 * reads its configuration and starts. The local cloud keeps one such process so a new node does
 * not wait for Node.js to start and load the daemon. End of stdin before the line: it exits 0.
 */
export const NODE_DAEMON_STANDBY_FLAG = '--standby';

/** Largest {@link NodeStandbyConfig} line a standby daemon reads, in bytes. */
export const NODE_STANDBY_CONFIG_MAX_BYTES = 64 * 1024;

/**
 * What a standby node daemon reads from stdin (one line): the variables of its node's own
 * environment (FLOTILLA_NODE_ID, FLOTILLA_PORT, …; cli local-cloud/node-env.ts), set over the
 * environment it was spawned with.
 */
export const NodeStandbyConfig = z
  .object({ env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name'), z.string()) })
  .strict();
export type NodeStandbyConfig = z.infer<typeof NodeStandbyConfig>;

export const LocalCloudNode = z.object({
  nodeId: z.string(),
  status: z.enum(['running', 'exited']),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
});
export type LocalCloudNode = z.infer<typeof LocalCloudNode>;
