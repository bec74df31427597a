/**
 * The path a task took (issue 15, item 1): every execution step of its runs, with when it started
 * and ended and how long it took — D1 `task_step_timings` (migration 0011), written as the run
 * leaves each step (runs/run-loop.ts `stepReached`) and when the task callback ends `running`;
 * read by `GET /api/tasks/:taskId/steps` and the first-request bench.
 */
import type { ExecutionStep, TaskStepTiming } from '@flotilla/contracts';
import { newId } from '@flotilla/contracts';

/** A finished step of run `runNumber` of a task: times in ms since the epoch. */
export interface StepTimingInput {
  taskId: string;
  runNumber: number;
  step: ExecutionStep;
  startedAt: number;
  endedAt: number;
  detail: string | null;
}

/** Record a finished step. */
export async function recordStepTiming(db: D1Database, timing: StepTimingInput): Promise<void> {
  await db
    .prepare('INSERT INTO task_step_timings (id, task_id, run_number, step, started_at, ended_at, duration_ms, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(
      newId('evt'),
      timing.taskId,
      timing.runNumber,
      timing.step,
      new Date(timing.startedAt).toISOString(),
      new Date(timing.endedAt).toISOString(),
      Math.max(0, timing.endedAt - timing.startedAt),
      timing.detail,
    )
    .run();
}

interface TimingRow {
  run_number: number;
  step: ExecutionStep;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  detail: string | null;
}

/** A task's recorded steps, in the order they started. */
export async function listStepTimings(db: D1Database, taskId: string): Promise<TaskStepTiming[]> {
  const { results } = await db.prepare('SELECT * FROM task_step_timings WHERE task_id = ? ORDER BY started_at, rowid').bind(taskId).all<TimingRow>();
  return results.map((row) => ({ runNumber: row.run_number, step: row.step, startedAt: row.started_at, endedAt: row.ended_at, durationMs: row.duration_ms, detail: row.detail }));
}
