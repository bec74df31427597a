/**
 * What the Worker may ask of a TaskRunner (one Durable Object per task, named by the task id):
 * its RPC interface, which the class implements and bindings.ts types its stubs with.
 */
import type { TaskCallbackRequest, TaskStatus } from '@flotilla/contracts';
import type { Outcome } from '@flotilla/kit';
import type { RunState, TaskRunSubject } from '../../runs/run-state.js';

export interface TaskRunnerRpc extends Rpc.DurableObjectBranded {
  /** Begin a run of the task (its first, or a new one after a run that ended). @returns the run's number */
  start(subject: TaskRunSubject): Promise<number>;
  /** The task was cancelled: end the run, stop the agent, keep the workspace. @returns false when there was no run */
  cancelRun(reason: string): Promise<boolean>;
  /** A callback changed what the current step waits for: run it now. */
  wake(): Promise<void>;
  /** The cron's call for a task that should be under way (`status` as D1 has it). */
  recover(subject: TaskRunSubject, status: TaskStatus): Promise<void>;
  getState(): Promise<RunState | null>;
  /** The daemon's task callback: a conflict (409) when the task can no longer take that outcome. */
  completeRun(callback: TaskCallbackRequest): Promise<Outcome<{ duplicate: boolean }>>;
}
