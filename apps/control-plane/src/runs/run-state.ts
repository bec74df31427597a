/**
 * The persisted state of one run (storage key `run` of a TaskRunner or a WorkspaceRunner): a
 * task's run, or the run that sets up a workspace created by hand. A task's run keeps what it
 * needs of its task (`task`) from its start, so the task row is not read on every alarm; the
 * description (the prompt) stays where it is stored, in the task row and the chat, and is read
 * by the step that hands it to the agent.
 */
import type { AgentType, ExecutionStep, PermissionPolicy, VmSize } from '@flotilla/contracts';

/** How a run ended, as far as cleanup is concerned. */
export type RunOutcome = 'completed' | 'failed' | 'cancelled';

/** What a task's run needs of its task: taken from the task row when the run starts. */
export interface TaskRunSubject {
  taskId: string;
  projectId: string;
  title: string;
  agentType: AgentType;
  /** The task's own VM size; null: the project's default. */
  vmSize: VmSize | null;
  chatSessionId: string | null;
  /** The messageId of the description as the chat's first message (the daemon's copy dedupes against it). */
  initialMessageId: string | null;
  /** The branch of a variant of a task run on several agents (`task/<parentId>-<agentType>`); absent: `task/<taskId>`. */
  branch?: string;
  /** Set when a follow-up prompt resumed the ended task (tasks/resume.ts); absent: the run starts from the description. */
  resume?: TaskResume;
  /** The signed-in user who created the task (credentials/credential-user.ts); absent: nobody (the operator, a trigger, or a run older than creators). */
  createdBy?: string;
}

/** What a resumed run (issue 15 item 3) needs: taken from the task row when the run starts. */
export interface TaskResume {
  /** The chat messageId of the follow-up: the new agent's first prompt is built around it. */
  messageId: string;
  /** The branch the task pushed and the new workspace continues; null: none was pushed, start anew. */
  branch: string | null;
  /** The task's pull request, kept: the new commit lands in it (no second one is opened). */
  prUrl: string | null;
}

/** What the run of a workspace created by hand works on (its WorkspaceRunner is named by `workspaceId`). */
export interface ManualWorkspaceSubject {
  workspaceId: string;
  chatSessionId: string;
  agentType: AgentType;
  /** How its agent's permission requests are answered; absent (older runs) = `allow`. */
  permissionPolicy?: PermissionPolicy;
  /** Who made it (a signed-in user's id): with the project's `credentialsFrom: 'creator'` its credentials are theirs. Absent: nobody known. */
  createdBy?: string | null;
}

export interface RunState {
  /** The task this run is for; null for the run of a workspace created by hand. */
  taskId: string | null;
  /** What the run needs of its task; absent only in task runs stored before it was kept here. */
  task?: TaskRunSubject;
  /** Set (with `taskId` null) when the run sets up a workspace created by hand. */
  manualWorkspace?: ManualWorkspaceSubject | null;
  /** The workspace created by hand was deleted (`DELETE …/workspaces/:id`); its cleanup destroys it. */
  destroyRequested?: boolean;
  projectId: string;
  step: ExecutionStep;
  /** When the current step began (ms since epoch); its timeout counts from here. */
  stepStartedAt: number;
  /** Retryable failures of the current step so far. */
  attempt: number;
  nodeId: string | null;
  workspaceId: string | null;
  agentSessionId: string | null;
  /** The run ended (completed, failed or cancelled); only cleanup may remain. */
  finished: boolean;
  /** An ended run whose workspace/node cleanup has not been done yet. */
  pendingCleanup: RunOutcome | null;
  /** Keep the workspace although the run completed (its push was rejected). */
  keepWorkspace?: boolean;
  /** When the run got its node (ms since epoch): its node time counts from here (costs/). */
  nodeHeldSince?: number;
  /** 1 for a task's first run, 2 for its first retry, … (absent in runs stored before retries). */
  runNumber?: number;
  lastError: string | null;
}

export const RUN_STATE_KEY = 'run';

/** A fresh run: first step, no node, workspace or agent session yet. `runNumber` counts from 1. */
export function initialRunState(taskId: string | null, projectId: string, now: number, runNumber = 1): RunState {
  return {
    runNumber,
    taskId,
    projectId,
    step: 'node_selection',
    stepStartedAt: now,
    attempt: 0,
    nodeId: null,
    workspaceId: null,
    agentSessionId: null,
    finished: false,
    pendingCleanup: null,
    lastError: null,
  };
}

/**
 * Who holds the run's node in its NodeLifecycle (`tryClaim`/`tryReserve`/`release`): the task
 * (its id), or the workspace created by hand (its id).
 */
export function runHolderId(state: RunState): string {
  return state.taskId ?? state.manualWorkspace?.workspaceId ?? '';
}
