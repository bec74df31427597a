import * as z from 'zod';
import { UserRef } from './members.js';
import { AgentType } from './agents.js';
import { VmSize } from './settings.js';
import { ModelUsage } from './usage.js';
import { UsageCost } from './costs.js';

/**
 * Task status (DESIGN.md §3). The one legal-transition table lives here; the control plane
 * refuses anything else with 409.
 */
export const TaskStatus = z.enum([
  'draft',
  'ready',
  'queued',
  'delegated',
  'in_progress',
  'completed',
  'failed',
  'cancelled',
]);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

/** Statuses a retry starts from (DESIGN.md §3: `failed|cancelled -> ready (retry)`). */
export const RETRYABLE_TASK_STATUSES: readonly TaskStatus[] = ['failed', 'cancelled'];

/**
 * Moves other than a retry. A `failed` or `cancelled` task leaves its status only through a
 * retry ({@link canTransitionTask} with `'retry'`), which starts a new run; no other path may
 * bring it back to `ready`.
 */
const TASK_TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  draft: ['ready', 'cancelled'],
  ready: ['queued', 'cancelled'],
  queued: ['delegated', 'failed', 'cancelled'],
  delegated: ['in_progress', 'failed', 'cancelled'],
  in_progress: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/**
 * Statuses a resume starts from (issue 15 item 3): a follow-up prompt to the chat session of a
 * task that ended — `completed`, or `failed`/`cancelled` once its workspace is gone or stopped —
 * sends it straight back to `queued` (`completed|failed|cancelled -> queued`, kind `resume`) for
 * a new run on the task's pushed branch, in the same chat session. It skips `ready` on purpose:
 * the follow-up is the run request, and unlike a retry it keeps the task's output (branch, pull
 * request) that the new run builds on.
 */
export const RESUMABLE_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * How a transition is asked for: an ordinary move, a retry (`failed|cancelled → ready`), or a
 * resume (`completed|failed|cancelled → queued`) — the only ways out of a terminal status.
 */
export type TaskTransitionKind = 'move' | 'retry' | 'resume';

/**
 * True when `from → to` is a legal task transition of kind `kind`: a `move` follows the table
 * above; a `retry` is `failed|cancelled → ready` and nothing else; a `resume` is
 * `completed|failed|cancelled → queued` and nothing else ({@link RESUMABLE_TASK_STATUSES}).
 */
export function canTransitionTask(from: TaskStatus, to: TaskStatus, kind: TaskTransitionKind = 'move'): boolean {
  if (kind === 'retry') return to === 'ready' && RETRYABLE_TASK_STATUSES.includes(from);
  if (kind === 'resume') return to === 'queued' && RESUMABLE_TASK_STATUSES.includes(from);
  return TASK_TRANSITIONS[from].includes(to);
}

/**
 * Execution steps of a task run, in order (DESIGN.md §2). A run only moves forward through
 * them; `running` is the last step, left by the task callback or a failure.
 */
export const ExecutionStep = z.enum([
  'node_selection',
  'node_provisioning',
  'node_agent_ready',
  'workspace_creation',
  'workspace_ready',
  'agent_session',
  'running',
]);
export type ExecutionStep = z.infer<typeof ExecutionStep>;

export const EXECUTION_STEPS: readonly ExecutionStep[] = ExecutionStep.options;

/** The fewest and the most agents one task may run on at once (`CreateTaskRequest.agentTypes`). */
export const MIN_TASK_VARIANTS = 2;
export const MAX_TASK_VARIANTS = AgentType.options.length;

/**
 * `POST /api/projects/:projectId/tasks` body. `agentTypes` (2–6 distinct agent types, exclusive
 * with `agentType`) runs the task on several agents at once: the task becomes the parent of one
 * *variant* per agent type, each with its own run, chat session and branch
 * (`task/<taskId>-<agentType>`, {@link taskVariantBranchName}).
 */
export const CreateTaskRequest = z
  .object({
    description: z.string().trim().min(1, 'description must not be empty').max(100_000),
    title: z.string().trim().min(1).max(200).optional(),
    agentType: AgentType.optional(),
    agentTypes: z
      .array(AgentType)
      .min(MIN_TASK_VARIANTS, `agentTypes needs at least ${MIN_TASK_VARIANTS} agent types`)
      .max(MAX_TASK_VARIANTS, `agentTypes takes at most ${MAX_TASK_VARIANTS} agent types`)
      .refine((types) => new Set(types).size === types.length, 'agentTypes must not repeat an agent type')
      .optional(),
    priority: z.number().int().min(0).max(1000).optional(),
    vmSize: VmSize.optional(),
    run: z.boolean().optional(),
  })
  .refine((v) => v.agentType === undefined || v.agentTypes === undefined, { message: 'give agentType or agentTypes, not both', path: ['agentTypes'] });
export type CreateTaskRequest = z.infer<typeof CreateTaskRequest>;

/** `PATCH /api/projects/:projectId/tasks/:taskId` body: edit a draft or ready task. */
export const UpdateTaskRequest = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().min(1).max(100_000).optional(),
    priority: z.number().int().min(0).max(1000).optional(),
    agentType: AgentType.optional(),
    vmSize: VmSize.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'at least one field must be given');
export type UpdateTaskRequest = z.infer<typeof UpdateTaskRequest>;

/** `POST /api/projects/:projectId/sessions/:sessionId/prompt` body: a follow-up prompt. */
export const FollowUpPromptRequest = z.object({ text: z.string().trim().min(1, 'text must not be empty').max(100_000) });
export type FollowUpPromptRequest = z.infer<typeof FollowUpPromptRequest>;

/**
 * Answer (202) to a follow-up prompt: stored durably and shown in the chat under `messageId`;
 * `delivered` (the agent has it), `queued` (the agent gets it when its current turn ends), or
 * `pending` (the node daemon did not answer; delivery is retried with the same `messageId`, so it
 * never arrives twice), or `started`: the session's workspace was created by hand and no agent ran
 * in it yet, so the agent was started with this prompt as its first; or `resumed`: the session's
 * task had ended and its workspace is gone, so the task runs again — a new workspace on its
 * pushed branch, the same chat session, the conversation so far handed to the agent with this
 * prompt (issue 15 item 3).
 */
export const FollowUpPromptResponse = z.object({
  sessionId: z.string(),
  messageId: z.string(),
  delivery: z.enum(['delivered', 'queued', 'pending', 'started', 'resumed']),
});
export type FollowUpPromptResponse = z.infer<typeof FollowUpPromptResponse>;

/** How a file changed on a task branch (`git diff --name-status` letters A, M, D, R as words). */
export const DiffFileStatus = z.enum(['added', 'modified', 'deleted', 'renamed']);
export type DiffFileStatus = z.infer<typeof DiffFileStatus>;

/** One changed file of a diff stat: `additions`/`deletions` in lines, null for a binary file. */
export const DiffStatFile = z.object({
  path: z.string(),
  /** The path before a rename. */
  oldPath: z.string().optional(),
  status: DiffFileStatus,
  additions: z.number().int().nonnegative().nullable(),
  deletions: z.number().int().nonnegative().nullable(),
});
export type DiffStatFile = z.infer<typeof DiffStatFile>;

/**
 * What a run changed, measured by the node daemon on the branch it pushed: `git diff --numstat`
 * and `--name-status` of merge-base(base, HEAD)..HEAD after the commit — so it counts changes
 * made by any means, not only the agent's edit tool. `files` lists at most the node's
 * DIFF_STAT_MAX_FILES (default 300); `fileCount`, `additions` and `deletions` count every file,
 * and `truncated` says some were left out of `files`. `baseBranch` is the branch the task branch
 * started from (for `git diff <baseBranch>...<branch>`), null when unknown.
 */
export const DiffStat = z.object({
  baseBranch: z.string().nullable(),
  files: z.array(DiffStatFile),
  fileCount: z.number().int().nonnegative(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type DiffStat = z.infer<typeof DiffStat>;

/** What a finished run produced. */
export const TaskOutput = z.object({
  branch: z.string().nullable(),
  commitSha: z.string().nullable(),
  prUrl: z.string().nullable(),
  summary: z.string().nullable(),
  filesChanged: z.array(z.string()).nullable(),
  warning: z.string().nullable(),
  /** What the run changed on its branch (absent or null: not measured, e.g. a run before migration 0009). */
  diffStat: DiffStat.nullable().optional(),
});
export type TaskOutput = z.infer<typeof TaskOutput>;

/**
 * One variant of a task run on several agents: the run of one agent type, as the parent task's
 * `variants` shows it (its own task id, status, branch, output, chat session and usage).
 */
export const TaskVariant = z.object({
  taskId: z.string(),
  agentType: AgentType,
  status: TaskStatus,
  error: z.string().nullable(),
  branch: z.string().nullable(),
  summary: z.string().nullable(),
  filesChanged: z.array(z.string()).nullable(),
  commitSha: z.string().nullable(),
  chatSessionId: z.string().nullable(),
  usage: ModelUsage.nullable(),
});
export type TaskVariant = z.infer<typeof TaskVariant>;

/**
 * The status of a task run on several agents, from its variants' statuses: `cancelled` when
 * every variant was cancelled; once all ended, `completed` when at least one completed, else
 * `failed`; while any goes on, the furthest a variant got (`queued` → `delegated` →
 * `in_progress`; an ended variant counts as having been `in_progress`).
 */
export function parentTaskStatus(variants: readonly TaskStatus[]): TaskStatus {
  if (variants.length === 0) return 'queued';
  if (variants.every((s) => TERMINAL_TASK_STATUSES.includes(s))) {
    if (variants.includes('completed')) return 'completed';
    return variants.every((s) => s === 'cancelled') ? 'cancelled' : 'failed';
  }
  const rank: readonly TaskStatus[] = ['draft', 'ready', 'queued', 'delegated', 'in_progress'];
  const furthest = Math.max(...variants.map((s) => (TERMINAL_TASK_STATUSES.includes(s) ? rank.indexOf('in_progress') : rank.indexOf(s))));
  return rank[furthest] ?? 'queued';
}

export const Task = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  description: z.string(),
  status: TaskStatus,
  executionStep: ExecutionStep.nullable(),
  agentType: AgentType,
  priority: z.number().int(),
  /** The task's own VM size; null means the project's default, then the platform's. */
  vmSize: VmSize.nullable(),
  chatSessionId: z.string().nullable(),
  nodeId: z.string().nullable(),
  workspaceId: z.string().nullable(),
  error: z.string().nullable(),
  output: TaskOutput,
  /** Model usage of the task's runs, as its node's model gateway counted it; null until a run reports one. */
  usage: ModelUsage.nullable(),
  /** Tokens, node time and the cost estimate of the task's runs (costs.ts); absent where the answer does not compute it. */
  cost: UsageCost.optional(),
  /** Why a `queued` task does not start (its project's daily budget is reached), or null. */
  waitingReason: z.string().nullable().optional(),
  /** Set on a variant of a task run on several agents: the task it belongs to. */
  parentTaskId: z.string().nullable().optional(),
  /** Set on a task run on several agents: one entry per agent type, in the order asked for. */
  variants: z.array(TaskVariant).optional(),
  /** Who created the task (members.ts); null for tasks of the implicit local user, the shared token or a trigger. */
  createdBy: UserRef.nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Task = z.infer<typeof Task>;

export const TaskStatusEvent = z.object({
  id: z.string(),
  taskId: z.string(),
  fromStatus: TaskStatus.nullable(),
  toStatus: TaskStatus,
  step: ExecutionStep.nullable(),
  actor: z.string(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export type TaskStatusEvent = z.infer<typeof TaskStatusEvent>;

export const TaskWithEvents = Task.extend({ events: z.array(TaskStatusEvent) });
export type TaskWithEvents = z.infer<typeof TaskWithEvents>;

/** Derive a title from a description: its first non-empty line, at most 80 characters. */
export function deriveTaskTitle(description: string): string {
  const firstLine = description.split('\n').find((line) => line.trim().length > 0)?.trim() ?? '';
  return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
}

/** Task branch name for a task id: `task/<taskId>`. */
export function taskBranchName(taskId: string): string {
  return `task/${taskId}`;
}

/** Branch of the variant running on `agentType` of task `parentTaskId` (run on several agents): `task/<parentTaskId>-<agentType>`. */
export function taskVariantBranchName(parentTaskId: string, agentType: AgentType): string {
  return `task/${parentTaskId}-${agentType}`;
}
