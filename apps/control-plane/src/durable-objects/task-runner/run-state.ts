/** The persisted state of one task run (TaskRunner storage key `run`). */
import type { ExecutionStep, TaskCallbackRequest } from '@flotilla/contracts';

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
  pendingCleanup: TaskCallbackRequest['status'] | null;
  lastError: string | null;
}

export const RUN_STATE_KEY = 'run';

export function initialRunState(taskId: string, projectId: string, now: number): RunState {
  return {
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
