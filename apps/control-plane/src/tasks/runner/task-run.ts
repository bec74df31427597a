/**
 * A task's run (DESIGN.md §2), driven by its TaskRunner (task-runner.ts, a thin adapter): begun
 * by `startRun` with what the run needs of the task, carried through the steps (steps.ts) by the
 * shared run machinery (runs/run-loop.ts), ended by the task callback (`completeRun`), a
 * cancellation (`cancelRun`) or a failure, then cleaned up. The task row is not read while the
 * run goes on: each step reached is written with `RETURNING` and announced from that row. While
 * its project's daily budget is reached the run waits in `node_selection`, the task `queued` with
 * the reason (costs/budget.ts); its end records what it used in the usage ledger (costs/run-usage.ts).
 */
import { addModelUsage, EMPTY_MODEL_USAGE, ModelUsage, type TaskCallbackRequest, type TaskStatus } from '@flotilla/contracts';
import { conflict, fail, FlotillaError, succeed, type Outcome } from '@flotilla/kit';
import type { Deps } from '../../deps.js';
import { runAlarm, runCleanup, wakeRun, type RunKind, type RunStore } from '../../runs/run-loop.js';
import { initialRunState, type RunState, type TaskRunSubject } from '../../runs/run-state.js';
import { stepTimeoutMs } from '../../runs/step.js';
import { budgetHold } from '../../costs/budget.js';
import { recordRunEnd } from '../../costs/run-usage.js';
import { deleteTaskDiff, saveTaskDiff } from '../diff-repository.js';
import { announceTask } from '../events.js';
import { getTaskRow, recordTaskStep, runSubjectOf } from '../repository.js';
import { recordStepTiming } from '../step-timings.js';
import { transitionTask } from '../status.js';
import { TASK_STEP_HANDLERS } from './steps.js';

/** The shortest re-check of a budget that holds a task back (ms), whatever BUDGET_RECHECK_INTERVAL_MS says. */
const MIN_BUDGET_RECHECK_MS = 1_000;

const logOf = (deps: Deps, fields: Record<string, unknown>) => deps.log.child({ component: 'task-runner', ...fields });

/** The run kind of a task: its steps, and where its progress is recorded (the task row). */
function taskRunKind(deps: Deps): RunKind {
  return {
    component: 'task-runner',
    logFields: (state) => ({ taskId: state.taskId }),
    runStep: async (ctx) => {
      const task = ctx.state.task;
      if (!task) throw new FlotillaError('internal', `run of task ${ctx.state.taskId ?? '?'} has no task`, { retryable: false });
      // A task waits `queued` while its project's daily budget is reached; the wait does not count
      // towards the step's timeout (costs/budget.ts).
      if (ctx.state.step === 'node_selection' && (await budgetHold(deps, task.projectId, task.taskId))) {
        await ctx.remember({ stepStartedAt: Date.now() });
        return { kind: 'wait', ms: Math.max(MIN_BUDGET_RECHECK_MS, deps.config.BUDGET_RECHECK_INTERVAL_MS) };
      }
      const outcome = await TASK_STEP_HANDLERS[ctx.state.step]({ ...ctx, task });
      // The run's node time counts from when it got its node (costs/run-usage.ts).
      if (outcome.kind === 'advance' && outcome.patch?.nodeId && ctx.state.nodeHeldSince === undefined) return { ...outcome, patch: { ...outcome.patch, nodeHeldSince: Date.now() } };
      return outcome;
    },
    stepTimeoutMs: (state, config) => stepTimeoutMs(config, state.step),
    stepReached: async (state, ended) => {
      if (!state.taskId) return false;
      const [row] = await Promise.all([
        recordTaskStep(deps.db, state.taskId, state.step, state.nodeId ? { node_id: state.nodeId } : {}),
        recordStepTiming(deps.db, { taskId: state.taskId, runNumber: state.runNumber ?? 1, ...ended }),
      ]);
      if (!row) return false;
      await announceTask(deps, row);
      return true;
    },
    recordFailure: async (state, message) => {
      if (!state.taskId) return;
      await transitionTask(deps, state.taskId, 'failed', { actor: 'task-runner', step: state.step, reason: message, fields: { error: message } });
      await recordRunEnd(deps, state);
    },
    chatSessionId: (state) => state.task?.chatSessionId ?? state.manualWorkspace?.chatSessionId ?? null,
  };
}

/**
 * The run state, brought up to this version: a task run stored before the run kept its task
 * gets it (the one read of its row); a workspace created by hand that an older version set up in
 * a TaskRunner (they have their own WorkspaceRunner now) is deleted — its run is ended and its
 * cleanup destroys the workspace and releases the node.
 */
async function loadCurrent(store: RunStore, deps: Deps): Promise<RunState | undefined> {
  const state = await store.load();
  if (!state) return undefined;
  if (state.manualWorkspace && !state.destroyRequested) {
    logOf(deps, { workspaceId: state.manualWorkspace.workspaceId }).warn('workspace created by hand before the upgrade to WorkspaceRunner: deleting it');
    const ending: RunState = { ...state, finished: true, destroyRequested: true, pendingCleanup: 'completed', keepWorkspace: false, attempt: 0 };
    await store.save(ending);
    return ending;
  }
  if (state.taskId && !state.task) {
    const row = await getTaskRow(deps.db, state.taskId);
    if (!row) return state;
    const upgraded = { ...state, task: runSubjectOf(row) };
    await store.save(upgraded);
    return upgraded;
  }
  return state;
}

/**
 * Begin a run of the task: its first, or — after a run that ended (failed or cancelled, the
 * task sent back to `queued` by a retry) — a new one from `node_selection`, with no node,
 * workspace or agent session of the previous run, so it gets a fresh workspace. Idempotent: a
 * run that has not ended is left as it is. A cleanup the previous run still owed is done first.
 * @returns the number of the run now under way (1 for the first)
 */
export async function startRun(store: RunStore, deps: Deps, subject: TaskRunSubject): Promise<number> {
  const existing = await store.load();
  if (existing && !existing.finished) return existing.runNumber ?? 1;
  if (existing?.pendingCleanup) await runCleanup(store, taskRunKind(deps), deps, { ...existing, task: existing.task ?? subject });
  const runNumber = existing ? (existing.runNumber ?? 1) + 1 : 1;
  await store.save({ ...initialRunState(subject.taskId, subject.projectId, Date.now(), runNumber), task: subject });
  await store.setAlarm(Date.now());
  logOf(deps, { taskId: subject.taskId }).info('run started', { runNumber });
  return runNumber;
}

/**
 * The task was cancelled (its status is already `cancelled`, tasks/lifecycle.ts): end the run
 * and, in the alarm, stop its agent on the node (ACP `session/cancel`, process stopped),
 * keeping the workspace. Steps still in flight see the run ended and change nothing.
 * @returns false when there was no run to end
 */
export async function cancelRun(store: RunStore, deps: Deps, reason: string): Promise<boolean> {
  const state = await store.load();
  if (!state) return false;
  if (state.pendingCleanup === 'cancelled') return true;
  logOf(deps, { taskId: state.taskId }).info('run cancelled', { step: state.step, reason });
  if (!state.finished) await recordRunEnd(deps, state);
  await store.save({ ...state, finished: true, pendingCleanup: 'cancelled', keepWorkspace: true, lastError: reason, attempt: 0 });
  await store.setAlarm(Date.now());
  return true;
}

/**
 * The cron's call for a task that should be under way (`queued`, `delegated`, `in_progress`):
 * wake its run; or, when the task is `queued` with no run under way (the request that queued it
 * — a run or a retry — died before it reached the runner), start the run.
 */
export async function recoverRun(store: RunStore, deps: Deps, subject: TaskRunSubject, status: TaskStatus): Promise<void> {
  const state = await store.load();
  if (state && (!state.finished || state.pendingCleanup)) return wakeRun(store);
  if (status !== 'queued') return;
  logOf(deps, { taskId: subject.taskId }).warn('queued task had no run under way; starting it');
  await startRun(store, deps, subject);
}

/**
 * The daemon reported the end of the agent's turn (`POST /api/tasks/:taskId/callback`).
 * Records the output and status, then cleans up in the alarm. A repeated callback is accepted
 * as a duplicate.
 * @returns a conflict (409) when the task has no run, or its run ended otherwise
 */
export async function completeRun(store: RunStore, deps: Deps, callback: TaskCallbackRequest): Promise<Outcome<{ duplicate: boolean }>> {
  const state = await store.load();
  if (!state?.taskId) return fail(conflict('this task has no run'));
  if (state.finished) {
    // A repeat of the callback that ended the run is a duplicate; a different outcome for a
    // run that already ended (failed, timed out, cancelled) is an illegal transition.
    const task = await getTaskRow(deps.db, state.taskId);
    if (task?.status === callback.status) return succeed({ duplicate: true });
    return fail(conflict(`task ${state.taskId} is ${task?.status ?? 'gone'}: it cannot become ${callback.status}`));
  }
  // The task's usage is the sum over its runs: this run's, as the node's gateway counted it, added.
  const usage = callback.usage ? await usageWith(deps, state.taskId, callback.usage) : undefined;
  try {
    if (callback.status === 'completed') {
      // A resumed run that pushed nothing new leaves the branch as the earlier runs left it: their
      // commit, diff stat and patch stay the task's output.
      const keepsEarlierOutput = Boolean(state.task?.resume) && !callback.commitSha;
      // The patch first, so that whoever sees the task completed can read it; a completion
      // without one (nothing changed, an older daemon) leaves no stale patch behind.
      if (callback.diffPatch) {
        await saveTaskDiff(deps.db, state.taskId, { commitSha: callback.commitSha, branch: callback.branch, baseBranch: callback.diffStat?.baseBranch ?? null }, callback.diffPatch);
      } else if (!keepsEarlierOutput) {
        await deleteTaskDiff(deps.db, state.taskId);
      }
      await transitionTask(deps, state.taskId, 'completed', {
        actor: 'node-daemon',
        step: state.step,
        reason: callback.commitSha ? `pushed ${callback.branch ?? ''} at ${callback.commitSha}` : 'agent finished without changes',
        fields: {
          error: null,
          // A resumed run that pushed nothing leaves the task's branch as it was: still its output.
          output_branch: callback.branch ?? state.task?.resume?.branch ?? null,
          // A resumed run pushes onto the branch of the task's pull request: that one is kept.
          output_pr_url: callback.prUrl ?? state.task?.resume?.prUrl ?? null,
          output_summary: callback.summary,
          output_warning: callback.warning ?? null,
          ...(keepsEarlierOutput
            ? {}
            : {
                output_commit_sha: callback.commitSha,
                output_files_changed: JSON.stringify(callback.filesChanged),
                diff_stat: callback.diffStat ? JSON.stringify(callback.diffStat) : null,
              }),
          ...(usage ? { usage } : {}),
        },
      });
    } else {
      await transitionTask(deps, state.taskId, 'failed', { actor: 'node-daemon', step: state.step, reason: callback.error, fields: { error: callback.error, ...(usage ? { usage } : {}) } });
    }
  } catch (error) {
    if (error instanceof FlotillaError && error.code === 'conflict') return fail(error);
    throw error;
  }
  await recordRunEnd(deps, state, callback.usage);
  // The `running` step ends with the callback: its timing closes the path (issue 15).
  await recordStepTiming(deps.db, { taskId: state.taskId, runNumber: state.runNumber ?? 1, step: state.step, startedAt: state.stepStartedAt, endedAt: Date.now(), detail: null });
  // Re-read: the alarm may have saved progress while the transition was being written.
  const keepWorkspace = callback.status === 'completed' && callback.keepWorkspace === true;
  await store.save({ ...((await store.load()) ?? state), finished: true, pendingCleanup: callback.status, keepWorkspace, attempt: 0 });
  await store.setAlarm(Date.now());
  return succeed({ duplicate: false });
}

/** The alarm: the run's cleanup, or its current step. */
export async function onAlarm(store: RunStore, deps: Deps): Promise<void> {
  await loadCurrent(store, deps);
  await runAlarm(store, taskRunKind(deps), deps);
}

/** The task's recorded usage plus `run`'s, as the JSON its `usage` column holds. */
async function usageWith(deps: Pick<Deps, 'db'>, taskId: string, run: ModelUsage): Promise<string> {
  const stored = (await getTaskRow(deps.db, taskId))?.usage;
  const before = stored ? ModelUsage.parse(JSON.parse(stored)) : EMPTY_MODEL_USAGE;
  return JSON.stringify(addModelUsage(before, run));
}
