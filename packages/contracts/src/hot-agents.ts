/**
 * Hot agents and step timings (issue 15, items 1 and 2).
 *
 * A hot agent is a workspace a node prepares ahead of any task for one project and agent type:
 * the repository cloned, the agent spawned in the workspace's sandbox and past ACP `initialize`
 * and `session/new`. A task that claims it only fetches, checks out its branch and sends its
 * prompt. A hot agent serves one task, once; the control plane then prepares another.
 *
 * Step timings: every execution step a task's run went through, with its start, end and duration.
 */
import * as z from 'zod';
import { AgentCredentialOverrides, AgentType } from './agents.js';
import { GitCredential } from './node.js';
import { EgressHost } from './egress.js';
import { GitBranchName, RepositoryUrl } from './git-names.js';
import { ExecutionStep } from './task.js';

/** Most hot agents a project may keep per agent type. */
export const MAX_HOT_AGENTS = 5;

/** A project's `hotAgents` setting: how many prepared agents it keeps per agent type (0: none). */
export const HotAgentCount = z.number().int().min(0).max(MAX_HOT_AGENTS);

/**
 * `POST {node}/hot-agents`: prepare a hot agent — create workspace `workspaceId` (clone on branch
 * `hot/<hotAgentId>`, no task, no chat), register agent session `agentSessionId` in it, spawn the
 * agent in the workspace's sandbox and open its ACP session. Answers 202 at once; the preparation
 * runs in the background. The credentials are the project owner's, as for any task workspace.
 */
export const PrepareHotAgentRequest = z.object({
  hotAgentId: z.string().min(1),
  workspaceId: z.string().min(1),
  agentSessionId: z.string().min(1),
  projectId: z.string().min(1),
  repoUrl: RepositoryUrl,
  baseBranch: GitBranchName,
  agentType: AgentType,
  /** Callback token scoped to the workspace (replaced by the claiming task's). */
  callbackToken: z.string().min(1),
  gitCredential: GitCredential.optional(),
  egressAllowlist: z.array(EgressHost).max(300).default([]),
  agentCredentials: AgentCredentialOverrides.optional(),
});
export type PrepareHotAgentRequest = z.infer<typeof PrepareHotAgentRequest>;

/**
 * `POST {node}/hot-agents/:hotAgentId/claim`: the hot agent becomes task `taskId`'s workspace —
 * waits for its preparation, fetches the base branch, checks out `branch` from it. The prompt
 * goes afterwards, through the usual start route of the agent session. 404: the node has no such
 * hot agent (its daemon restarted); 409: it was claimed already, or its preparation failed.
 */
export const ClaimHotAgentRequest = z.object({
  taskId: z.string().min(1),
  chatSessionId: z.string().nullable(),
  branch: GitBranchName,
  callbackToken: z.string().min(1),
  gitCredential: GitCredential.optional(),
});
export type ClaimHotAgentRequest = z.infer<typeof ClaimHotAgentRequest>;

/** A hot agent as its node daemon reports it. */
export const NodeHotAgentInfo = z.object({
  hotAgentId: z.string(),
  workspaceId: z.string(),
  agentSessionId: z.string(),
  agentType: AgentType,
  /** `preparing` (clone, spawn, ACP), `ready`, `claimed`, `failed`. */
  status: z.enum(['preparing', 'ready', 'claimed', 'failed']),
  error: z.string().nullable(),
});
export type NodeHotAgentInfo = z.infer<typeof NodeHotAgentInfo>;

/** A hot agent as the control plane keeps it (`GET /api/projects/:projectId/hot-agents`). */
export const HotAgent = z.object({
  id: z.string(),
  projectId: z.string(),
  agentType: AgentType,
  nodeId: z.string(),
  /** `ready` (may be claimed), `claimed` (used by `taskId`, never again), `gone`. */
  status: z.enum(['ready', 'claimed', 'gone']),
  taskId: z.string().nullable(),
  createdAt: z.string(),
  claimedAt: z.string().nullable(),
  /** A `ready` one as its node reports it now (`preparing`, `ready`, `failed`; `missing`: the node has none such); null when not asked or unknown. */
  onNode: z.enum(['preparing', 'ready', 'claimed', 'failed', 'missing']).nullable(),
});
export type HotAgent = z.infer<typeof HotAgent>;
export const HotAgentList = z.object({ hotAgents: z.array(HotAgent) });

/** One execution step of a task's run (`GET /api/tasks/:taskId/steps`): when it started and ended, and how long it took. */
export const TaskStepTiming = z.object({
  runNumber: z.number().int(),
  step: ExecutionStep,
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number().int(),
  /** How the step was done, when that matters (e.g. `hot agent hot_…`); null otherwise. */
  detail: z.string().nullable(),
});
export type TaskStepTiming = z.infer<typeof TaskStepTiming>;
export const TaskStepTimingList = z.object({ steps: z.array(TaskStepTiming) });
