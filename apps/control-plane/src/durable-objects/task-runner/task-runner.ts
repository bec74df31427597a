/**
 * TaskRunner: one Durable Object per task, driving its run through the steps of DESIGN.md §2.
 * A workspace created by hand (no task) is set up by the same runner and the same steps, in an
 * object named by the workspace id (`startManualWorkspace`, manual-workspace-steps.ts).
 * Alarm-driven: each step is persisted before it acts; transient errors are retried with
 * exponential backoff; a step past its timeout fails the task with an error naming the step.
 * Callbacks (`wake`, `completeRun`) only record facts and schedule the alarm.
 */
import { TERMINAL_TASK_STATUSES, type TaskCallbackRequest } from '@flotilla/contracts';
import { DurableObject } from 'cloudflare:workers';
import { getTaskRow, updateTaskFields, type TaskRow } from '../../db/tasks-repository.js';
import { announceTaskChange } from '../../services/task-events.js';
import { setWorkspaceStatus } from '../../db/nodes-repository.js';
import { readConfig, type Env } from '../../env.js';
import { HttpError, PermanentError, TransientError } from '../../lib/errors.js';
import { createLogger, errorMessage } from '../../lib/logger.js';
import { transitionTask } from '../../services/task-status.js';
import { cleanUpRun } from './cleanup.js';
import { MANUAL_WORKSPACE_STEP_HANDLERS } from './manual-workspace-steps.js';
import { RUN_STATE_KEY, initialRunState, retryDelayMs, type ManualWorkspaceSubject, type RunState } from './run-state.js';
import { STEP_HANDLERS, stepTimeoutMs, type RunStepContext, type StepOutcome } from './steps.js';

/** Attempts at cleaning up an ended run before giving up (the cron sweep may still do it). */
const CLEANUP_MAX_ATTEMPTS = 5;

export type CompleteRunOutcome = { accepted: true; duplicate: boolean } | { accepted: false; reason: string };

export class TaskRunner extends DurableObject<Env> {
  private readonly log = createLogger('task-runner');

  /**
   * Begin a run of `taskId`: its first, or — after a run that ended (failed or cancelled, the
   * task sent back to `queued` by a retry) — a new one from `node_selection`, with no node,
   * workspace or agent session of the previous run, so it gets a fresh workspace. Idempotent: a
   * run that has not ended is left as it is. A cleanup the previous run still owed is done first.
   * @returns the number of the run now under way (1 for the first)
   */
  async start(taskId: string, projectId: string): Promise<number> {
    const existing = await this.load();
    if (existing && !existing.finished) return existing.runNumber ?? 1;
    if (existing?.pendingCleanup) await this.runCleanup(existing);
    const runNumber = existing ? (existing.runNumber ?? 1) + 1 : 1;
    await this.save(initialRunState(taskId, projectId, Date.now(), runNumber));
    await this.ctx.storage.setAlarm(Date.now());
    this.log.info('run started', { taskId, runNumber });
    return runNumber;
  }

  /**
   * The task was cancelled (its status is already `cancelled`, task-cancellation.ts): end the
   * run and, in the alarm, stop its agent on the node (ACP `session/cancel`, process stopped),
   * keeping the workspace. Steps still in flight see the run ended and change nothing.
   * @returns false when there was no run to end
   */
  async cancelRun(reason: string): Promise<boolean> {
    const state = await this.load();
    if (!state) return false;
    if (state.pendingCleanup === 'cancelled') return true;
    this.log.info('run cancelled', { taskId: state.taskId, step: state.step, reason });
    await this.save({ ...state, finished: true, pendingCleanup: 'cancelled', keepWorkspace: true, lastError: reason, attempt: 0 });
    await this.ctx.storage.setAlarm(Date.now());
    return true;
  }

  /**
   * Set up a workspace created by hand (no task) in project `projectId`: node, checkout on
   * `workspace/<workspaceId>`, a registered agent session; the run then stays in `running` until
   * {@link destroyManualWorkspace}. This object must be named by `subject.workspaceId`.
   * Idempotent: a run already under way is left as it is.
   */
  async startManualWorkspace(projectId: string, subject: ManualWorkspaceSubject): Promise<void> {
    if (await this.load()) return;
    await this.save({ ...initialRunState(null, projectId, Date.now()), manualWorkspace: subject, workspaceId: subject.workspaceId });
    await this.ctx.storage.setAlarm(Date.now());
    this.log.info('manual workspace run started', { workspaceId: subject.workspaceId, projectId });
  }

  /**
   * Delete the workspace created by hand that this object sets up: the run ends (a step in flight
   * changes nothing more), its agent is stopped and its workspace destroyed on the node, and the
   * node is released as after a completed task (warm when nothing else runs there).
   * @returns `destroyed` when done, `stopping` when the cleanup failed and is retried on the
   *   alarm, `not_found` when this object sets up no workspace created by hand
   */
  async destroyManualWorkspace(): Promise<'destroyed' | 'stopping' | 'not_found'> {
    const state = await this.load();
    if (!state?.manualWorkspace) return 'not_found';
    if (state.destroyRequested && !state.pendingCleanup) return 'destroyed';
    const ending: RunState = { ...state, finished: true, destroyRequested: true, pendingCleanup: 'completed', keepWorkspace: false, attempt: 0 };
    await this.save(ending);
    await this.runCleanup(ending);
    return (await this.load())?.pendingCleanup ? 'stopping' : 'destroyed';
  }

  /** A callback changed what the current step waits for: run the step now. */
  async wake(): Promise<void> {
    const state = await this.load();
    if (state && (!state.finished || state.pendingCleanup)) await this.ctx.storage.setAlarm(Date.now());
  }

  /**
   * The cron sweep's call for a task that should be under way (`queued`, `delegated`,
   * `in_progress`): wake its run; or, when the task is `queued` with no run under way (the request
   * that queued it — a run or a retry — died before it reached this object), start the run.
   */
  async recover(taskId: string, projectId: string): Promise<void> {
    const state = await this.load();
    if (state && (!state.finished || state.pendingCleanup)) return this.wake();
    const task = await getTaskRow(this.env.DB, taskId);
    if (task?.status !== 'queued') return;
    this.log.warn('queued task had no run under way; starting it', { taskId });
    await this.start(taskId, projectId);
  }

  async getState(): Promise<RunState | null> {
    return (await this.load()) ?? null;
  }

  /**
   * The daemon reported the end of the agent's turn (`POST /api/tasks/:taskId/callback`).
   * Records the output and status, then cleans up in the alarm. A repeated callback is accepted
   * as a duplicate.
   */
  async completeRun(callback: TaskCallbackRequest): Promise<CompleteRunOutcome> {
    const state = await this.load();
    if (!state?.taskId) return { accepted: false, reason: 'this task has no run' };
    if (state.finished) {
      // A repeat of the callback that ended the run is a duplicate; a different outcome for a
      // run that already ended (failed, timed out, cancelled) is an illegal transition.
      const task = await getTaskRow(this.env.DB, state.taskId);
      if (task?.status === callback.status) return { accepted: true, duplicate: true };
      return { accepted: false, reason: `task ${state.taskId} is ${task?.status ?? 'gone'}: it cannot become ${callback.status}` };
    }
    try {
      if (callback.status === 'completed') {
        await transitionTask(this.env, state.taskId, 'completed', {
          actor: 'node-daemon',
          step: state.step,
          reason: callback.commitSha ? `pushed ${callback.branch ?? ''} at ${callback.commitSha}` : 'agent finished without changes',
          fields: {
            error: null,
            output_branch: callback.branch,
            output_commit_sha: callback.commitSha,
            output_pr_url: callback.prUrl ?? null,
            output_summary: callback.summary,
            output_files_changed: JSON.stringify(callback.filesChanged),
            output_warning: callback.warning ?? null,
          },
        });
      } else {
        await transitionTask(this.env, state.taskId, 'failed', { actor: 'node-daemon', step: state.step, reason: callback.error, fields: { error: callback.error } });
      }
    } catch (error) {
      if (error instanceof HttpError && error.code === 'conflict') return { accepted: false, reason: error.message };
      throw error;
    }
    // Re-read: the alarm may have saved progress while the transition was being written.
    const keepWorkspace = callback.status === 'completed' && callback.keepWorkspace === true;
    await this.save({ ...((await this.load()) ?? state), finished: true, pendingCleanup: callback.status, keepWorkspace, attempt: 0 });
    await this.ctx.storage.setAlarm(Date.now());
    return { accepted: true, duplicate: false };
  }

  override async alarm(): Promise<void> {
    const state = await this.load();
    if (!state) return;
    if (state.pendingCleanup) return this.runCleanup(state);
    if (state.finished) return;
    let task: TaskRow | null = null;
    if (state.taskId) {
      task = await getTaskRow(this.env.DB, state.taskId);
      if (!task || TERMINAL_TASK_STATUSES.includes(task.status)) {
        await this.save({ ...state, finished: true });
        return;
      }
    }
    const config = readConfig(this.env);
    const log = this.log.child(state.manualWorkspace ? { workspaceId: state.manualWorkspace.workspaceId, step: state.step } : { taskId: state.taskId, step: state.step });
    // A workspace created by hand runs until it is deleted: its `running` step has no timeout.
    const timeoutMs = state.manualWorkspace && state.step === 'running' ? Number.POSITIVE_INFINITY : stepTimeoutMs(config, state.step);
    const deadline = state.stepStartedAt + timeoutMs;
    if (Date.now() >= deadline) {
      const detail = state.lastError ? ` (last error: ${state.lastError})` : '';
      return this.failRun(state, `step ${state.step} timed out after ${timeoutMs} ms${detail}`);
    }
    const remember = async (patch: Partial<RunState>) => {
      const latest = await this.load();
      if (latest) await this.save({ ...latest, ...patch });
    };
    try {
      const outcome = await this.runStep({ env: this.env, config, state, log, remember }, task);
      // The step awaited I/O, so a task callback may have ended the run meanwhile: its outcome
      // and pending cleanup stand, and nothing of this step may overwrite them.
      const latest = await this.load();
      if (!latest || latest.finished) return;
      if (outcome.kind === 'wait') {
        await this.ctx.storage.setAlarm(Math.min(Date.now() + outcome.ms, deadline));
        return;
      }
      const next: RunState = { ...latest, ...outcome.patch, step: outcome.to, stepStartedAt: Date.now(), attempt: 0, lastError: null };
      await this.save(next);
      if (state.taskId) {
        await updateTaskFields(this.env.DB, state.taskId, { execution_step: outcome.to });
        await announceTaskChange(this.env, state.taskId);
      }
      log.info('step done', { next: outcome.to });
      await this.ctx.storage.setAlarm(Date.now());
    } catch (error) {
      const latest = await this.load();
      if (!latest || latest.finished) return;
      if (error instanceof TransientError || (error instanceof Error && !(error instanceof PermanentError) && !(error instanceof HttpError))) {
        const attempt = state.attempt + 1;
        const delay = retryDelayMs(attempt, config.STEP_RETRY_INITIAL_MS, config.STEP_RETRY_MAX_MS);
        log.warn('step failed, will retry', { attempt, delayMs: delay, error: errorMessage(error) });
        await this.save({ ...latest, attempt, lastError: errorMessage(error) });
        await this.ctx.storage.setAlarm(Math.min(Date.now() + delay, deadline));
        return;
      }
      return this.failRun(latest, `step ${state.step} failed: ${errorMessage(error)}`);
    }
  }

  /** Run the current step's handler: a task's, or a workspace created by hand's. */
  private async runStep(ctx: RunStepContext, task: TaskRow | null): Promise<StepOutcome> {
    const { state } = ctx;
    if (state.manualWorkspace) return MANUAL_WORKSPACE_STEP_HANDLERS[state.step]({ ...ctx, subject: state.manualWorkspace });
    if (!task) throw new PermanentError(`run of task ${state.taskId ?? '?'} has no task`);
    return STEP_HANDLERS[state.step]({ ...ctx, task });
  }

  private async failRun(state: RunState, message: string): Promise<void> {
    this.log.warn(state.taskId ? 'task failed' : 'manual workspace failed', { taskId: state.taskId, workspaceId: state.workspaceId, step: state.step, error: message });
    try {
      if (state.taskId) {
        await transitionTask(this.env, state.taskId, 'failed', { actor: 'task-runner', step: state.step, reason: message, fields: { error: message } });
      } else if (state.workspaceId) {
        // The workspace (when it got that far) is kept for inspection, as a failed task's is.
        await setWorkspaceStatus(this.env.DB, state.workspaceId, 'error', message);
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      this.log.warn('could not mark the task failed', { taskId: state.taskId, error: error.message });
    }
    // A task callback may have ended the run while the transition was being written.
    const latest = await this.load();
    if (latest?.finished) return;
    await this.save({ ...(latest ?? state), finished: true, pendingCleanup: 'failed', lastError: message, attempt: 0 });
    await this.ctx.storage.setAlarm(Date.now());
  }

  private async runCleanup(state: RunState): Promise<void> {
    const outcome = state.pendingCleanup;
    if (!outcome) return;
    const chatSessionId = state.manualWorkspace ? state.manualWorkspace.chatSessionId : ((await getTaskRow(this.env.DB, state.taskId ?? ''))?.chat_session_id ?? null);
    try {
      await cleanUpRun(this.env, readConfig(this.env), state, outcome, chatSessionId, this.log.child({ taskId: state.taskId, workspaceId: state.workspaceId }));
      await this.save({ ...state, pendingCleanup: null });
    } catch (error) {
      const attempt = state.attempt + 1;
      this.log.warn('cleanup failed', { taskId: state.taskId, attempt, error: errorMessage(error) });
      if (attempt >= CLEANUP_MAX_ATTEMPTS) {
        await this.save({ ...state, pendingCleanup: null, lastError: errorMessage(error) });
        return;
      }
      await this.save({ ...state, attempt });
      await this.ctx.storage.setAlarm(Date.now() + retryDelayMs(attempt, 1_000, 30_000));
    }
  }

  private async load(): Promise<RunState | undefined> {
    return this.ctx.storage.get<RunState>(RUN_STATE_KEY);
  }

  private async save(state: RunState): Promise<void> {
    await this.ctx.storage.put(RUN_STATE_KEY, state);
  }
}
