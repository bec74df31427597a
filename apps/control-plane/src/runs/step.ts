/**
 * What a step of a run is (DESIGN.md §2): a handler called by the run's alarm with the step
 * already persisted; it acts — idempotently: it may run again after a crash or a retryable
 * failure — and says what comes next. A failure it throws is retried with backoff when it is
 * retryable (kit `isRetryable`: a FlotillaError says so itself, an unknown failure is retried),
 * and fails the run otherwise.
 */
import type { ExecutionStep } from '@flotilla/contracts';
import { permanentFailure, type Logger } from '@flotilla/kit';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import type { RunState } from './run-state.js';

/** What every step gets, whatever the run is for (a task, or a workspace created by hand). */
export interface RunStepContext {
  deps: Deps;
  state: RunState;
  log: Logger;
  /**
   * Persist fields of the run state now, before the step acts on them: an id the step hands to
   * a daemon must be the same id when the step runs again after a lost answer or a retry.
   */
  remember: (patch: Partial<RunState>) => Promise<void>;
}

/** `advance`: the step is done (`detail`: how, when that matters — kept with its timing); `wait`: run it again in `ms`. */
export type StepOutcome = { kind: 'advance'; to: ExecutionStep; patch?: Partial<RunState>; detail?: string } | { kind: 'wait'; ms: number };

export type StepHandler<C extends RunStepContext = RunStepContext> = (ctx: C) => Promise<StepOutcome>;

/** Timeout of each step, from config (STEP_<STEP>_TIMEOUT_MS, milliseconds). */
export function stepTimeoutMs(config: Config, step: ExecutionStep): number {
  const key = `STEP_${step.toUpperCase()}_TIMEOUT_MS` as keyof Config;
  return config[key] as number;
}

/** `value`, which the run state must have by now. @throws FlotillaError permanentFailure naming the field */
export function requireField<T>(value: T | null, name: string): T {
  if (value === null) throw permanentFailure(`run state has no ${name}`);
  return value;
}
