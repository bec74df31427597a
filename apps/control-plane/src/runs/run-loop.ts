/**
 * The run machinery shared by the TaskRunner (a task's run) and the WorkspaceRunner (the set-up of
 * a workspace created by hand): alarm-driven, each step persisted before it acts; a retryable
 * failure is retried with the kit's backoff (STEP_RETRY_INITIAL_MS doubling up to
 * STEP_RETRY_MAX_MS, with jitter); a step past its timeout, or a failure that is not retryable,
 * fails the run with an error naming the step; an ended run is cleaned up (cleanup.ts), retried
 * a few times. What differs between the two runs is a {@link RunKind}.
 */
import { backoffDelayMs, errorMessage, FlotillaError, isRetryable, type LogFields, type Logger } from '@flotilla/kit';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { cleanUpRun } from './cleanup.js';
import { RUN_STATE_KEY, type RunState } from './run-state.js';
import type { RunStepContext, StepOutcome } from './step.js';

/** Attempts at cleaning up an ended run before giving up (the cron sweep may still do it). */
const CLEANUP_MAX_ATTEMPTS = 5;
/** Backoff between cleanup attempts (ms): from 1 s, doubling, at most 30 s. */
const CLEANUP_BACKOFF = { minDelayMs: 1_000, maxDelayMs: 30_000 };

/** The Durable Object storage of one run. */
export interface RunStore {
  load(): Promise<RunState | undefined>;
  save(state: RunState): Promise<void>;
  /** Schedule the alarm at `atMs` (ms since the epoch), replacing any other. */
  setAlarm(atMs: number): Promise<void>;
}

/** The run store over a Durable Object's storage. */
export function runStoreOf(storage: DurableObjectStorage): RunStore {
  return {
    load: () => storage.get<RunState>(RUN_STATE_KEY),
    save: (state) => storage.put(RUN_STATE_KEY, state),
    setAlarm: (atMs) => storage.setAlarm(atMs),
  };
}

/** What differs between the runs of a task and of a workspace created by hand. */
export interface RunKind {
  /** Log component (`task-runner`, `workspace-runner`). */
  component: string;
  /** Fields every log line of the run carries. */
  logFields(state: RunState): LogFields;
  /** The current step's handler. */
  runStep(ctx: RunStepContext): Promise<StepOutcome>;
  /** Timeout of the current step, ms (Infinity: none). */
  stepTimeoutMs(state: RunState, config: Config): number;
  /**
   * The run reached a new step (already saved), ending `ended`: record both where the subject is
   * shown (a task keeps each step's timing, issue 15).
   * @returns false when the subject ended outside the run meanwhile: the run stops
   */
  stepReached(state: RunState, ended: EndedStep): Promise<boolean>;
  /** The run failed with `message`: record it on the subject. A FlotillaError it throws is logged. */
  recordFailure(state: RunState, message: string): Promise<void>;
  /** The chat session the cleanup marks stopped. */
  chatSessionId(state: RunState): string | null;
}

/** A step a run has just finished: when it started and ended (ms since the epoch), and how it was done. */
export interface EndedStep {
  step: RunState['step'];
  startedAt: number;
  endedAt: number;
  detail: string | null;
}

/**
 * Steps one alarm runs back to back at most: a step that is done goes straight on to the next in
 * the same alarm (no alarm round trip between them, issue 15); one that waits sets the alarm.
 */
const MAX_STEPS_PER_ALARM = 10;

const logOf = (deps: Deps, kind: RunKind, state: RunState, fields: LogFields = {}): Logger =>
  deps.log.child({ component: kind.component, ...kind.logFields(state), ...fields });

/** Run the step now (a callback changed what it waits for), or the cleanup an ended run still owes. */
export async function wakeRun(store: RunStore): Promise<void> {
  const state = await store.load();
  if (state && (!state.finished || state.pendingCleanup)) await store.setAlarm(Date.now());
}

/**
 * The alarm of a run: its cleanup if it ended, else its current step — and the steps after it
 * while each is done at once (up to MAX_STEPS_PER_ALARM; see the module comment).
 */
export async function runAlarm(store: RunStore, kind: RunKind, deps: Deps): Promise<void> {
  for (let steps = 0; steps < MAX_STEPS_PER_ALARM; steps += 1) {
    if (!(await runOneStep(store, kind, deps))) return;
  }
  await store.setAlarm(Date.now());
}

/** One step of the run (or its cleanup). @returns true when the step is done and the next may run now */
async function runOneStep(store: RunStore, kind: RunKind, deps: Deps): Promise<boolean> {
  const state = await store.load();
  if (!state) return false;
  if (state.pendingCleanup) {
    await runCleanup(store, kind, deps, state);
    return false;
  }
  if (state.finished) return false;
  const log = logOf(deps, kind, state, { step: state.step });
  const timeoutMs = kind.stepTimeoutMs(state, deps.config);
  const deadline = state.stepStartedAt + timeoutMs;
  if (Date.now() >= deadline) {
    const detail = state.lastError ? ` (last error: ${state.lastError})` : '';
    await failRun(store, kind, deps, state, `step ${state.step} timed out after ${timeoutMs} ms${detail}`);
    return false;
  }
  const remember = async (patch: Partial<RunState>) => {
    const latest = await store.load();
    if (latest) await store.save({ ...latest, ...patch });
  };
  try {
    const outcome = await kind.runStep({ deps, state, log, remember });
    // The step awaited I/O, so a callback may have ended the run meanwhile: its outcome and
    // pending cleanup stand, and nothing of this step may overwrite them.
    const latest = await store.load();
    if (!latest || latest.finished) return false;
    if (outcome.kind === 'wait') {
      await store.setAlarm(Math.min(Date.now() + outcome.ms, deadline));
      return false;
    }
    const endedAt = Date.now();
    const next: RunState = { ...latest, ...outcome.patch, step: outcome.to, stepStartedAt: endedAt, attempt: 0, lastError: null };
    await store.save(next);
    if (!(await kind.stepReached(next, { step: state.step, startedAt: state.stepStartedAt, endedAt, detail: outcome.detail ?? null }))) {
      log.info('run stopped: its subject ended outside it');
      await store.save({ ...next, finished: true });
      return false;
    }
    log.info('step done', { next: outcome.to, durationMs: endedAt - state.stepStartedAt });
    return true;
  } catch (error) {
    const latest = await store.load();
    if (!latest || latest.finished) return false;
    if (!isRetryable(error)) {
      await failRun(store, kind, deps, latest, `step ${state.step} failed: ${errorMessage(error)}`);
      return false;
    }
    const attempt = state.attempt + 1;
    const delayMs = backoffDelayMs(attempt, { minDelayMs: deps.config.STEP_RETRY_INITIAL_MS, maxDelayMs: deps.config.STEP_RETRY_MAX_MS });
    log.warn('step failed, will retry', { attempt, delayMs, error: errorMessage(error) });
    await store.save({ ...latest, attempt, lastError: errorMessage(error) });
    await store.setAlarm(Math.min(Date.now() + delayMs, deadline));
    return false;
  }
}

/** End the run as failed with `message`: recorded on its subject, then cleaned up in the alarm. */
export async function failRun(store: RunStore, kind: RunKind, deps: Deps, state: RunState, message: string): Promise<void> {
  const log = logOf(deps, kind, state, { step: state.step });
  log.warn('run failed', { error: message });
  try {
    await kind.recordFailure(state, message);
  } catch (error) {
    if (!(error instanceof FlotillaError)) throw error;
    log.warn('could not record the failure', { error: error.message });
  }
  // A callback may have ended the run while the failure was being written.
  const latest = await store.load();
  if (latest?.finished) return;
  await store.save({ ...(latest ?? state), finished: true, pendingCleanup: 'failed', lastError: message, attempt: 0 });
  await store.setAlarm(Date.now());
}

/**
 * The cleanup an ended run owes (cleanup.ts), retried with backoff up to CLEANUP_MAX_ATTEMPTS.
 * Its I/O lets other calls in: what it records afterwards goes onto the state as stored then,
 * and only while that is still the run and the cleanup it did — a new run's `start()`, or a
 * cancel that changed the cleanup owed, wrote meanwhile and is kept.
 */
export async function runCleanup(store: RunStore, kind: RunKind, deps: Deps, state: RunState): Promise<void> {
  const outcome = state.pendingCleanup;
  if (!outcome) return;
  const log = logOf(deps, kind, state, { workspaceId: state.workspaceId });
  try {
    await cleanUpRun(deps, state, outcome, kind.chatSessionId(state), log);
    await updateWhileOwed(store, state, (latest) => ({ ...latest, pendingCleanup: null }));
  } catch (error) {
    const attempt = state.attempt + 1;
    log.warn('cleanup failed', { attempt, error: errorMessage(error) });
    if (attempt >= CLEANUP_MAX_ATTEMPTS) {
      await updateWhileOwed(store, state, (latest) => ({ ...latest, pendingCleanup: null, lastError: errorMessage(error) }));
      return;
    }
    if (await updateWhileOwed(store, state, (latest) => ({ ...latest, attempt }))) await store.setAlarm(Date.now() + backoffDelayMs(attempt, CLEANUP_BACKOFF));
  }
}

/**
 * Save `change(latest)` over the stored state when it is still the run of `state` (same run
 * number) owing the same cleanup. @returns whether it saved
 */
async function updateWhileOwed(store: RunStore, state: RunState, change: (latest: RunState) => RunState): Promise<boolean> {
  const latest = await store.load();
  if (!latest || (latest.runNumber ?? 1) !== (state.runNumber ?? 1) || latest.pendingCleanup !== state.pendingCleanup) return false;
  await store.save(change(latest));
  return true;
}
