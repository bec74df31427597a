/** The persisted state of one task run (TaskRunner storage key `run`). */
import type { ExecutionStep } from '@flotilla/contracts';

/** How a run ended, as far as cleanup is concerned. */
export type RunOutcome = 'completed' | 'failed' | 'cancelled';

export interface RunState {
  taskId: string;
  projectId: string;
  step: ExecutionStep;
  /** When the current step began (ms since epoch); its timeout counts from here. */
  stepStartedAt: number;
  /** Transient failures of the current step so far. */
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
  /** 1 for a task's first run, 2 for its first retry, … (absent in runs stored before retries). */
  runNumber?: number;
  lastError: string | null;
}

export const RUN_STATE_KEY = 'run';

/** A fresh run: first step, no node, workspace or agent session yet. `runNumber` counts from 1. */
export function initialRunState(taskId: string, projectId: string, now: number, runNumber = 1): RunState {
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

/** Delay before retry number `attempt` (1-based): doubles from `initialMs`, capped at `maxMs`. */
export function retryDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}
