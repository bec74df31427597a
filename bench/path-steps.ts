/**
 * The per-step breakdown of the first-request bench (issue 15): each task's steps as
 * `GET /api/tasks/:taskId/steps` records them, plus the two stretches around them — from the task
 * `POST` to the run's first step (task and chat bookkeeping, the runner's start) and from the start
 * of `running` to the agent's first model request (the agent starting and taking its prompt).
 */
import type { ExecutionStep, TaskStepTiming } from '@flotilla/contracts';
import { stats } from './support.js';

/** One task's path: stretch name → ms. */
export type PathBreakdown = Map<string, number>;

const STEP_ORDER: ExecutionStep[] = ['node_selection', 'node_provisioning', 'node_agent_ready', 'workspace_creation', 'workspace_ready', 'agent_session'];

/**
 * The breakdown of one task that was `POST`ed at `postedAtMs` and whose agent made its first model
 * request at `firstRequestAtMs` (ms since the epoch), from its recorded steps.
 */
export function breakdownOf(steps: TaskStepTiming[], postedAtMs: number, firstRequestAtMs: number): PathBreakdown {
  const out: PathBreakdown = new Map();
  const first = steps[0];
  if (first) out.set('POST → first step', Date.parse(first.startedAt) - postedAtMs);
  for (const step of steps) {
    if (step.step === 'running') out.set('agent start → first request', firstRequestAtMs - Date.parse(step.startedAt));
    else out.set(step.step, (out.get(step.step) ?? 0) + step.durationMs);
  }
  return out;
}

/** Print a table: one row per stretch, one column (medians, ms) per figure. */
export function printBreakdown(columns: Array<{ name: string; runs: PathBreakdown[] }>): void {
  const rows = ['POST → first step', ...STEP_ORDER, 'agent start → first request'];
  console.log(`  per step, medians (ms)        ${columns.map((c) => c.name.padStart(8)).join(' ')}`);
  for (const row of rows) {
    const cells = columns.map((column) => {
      const values = column.runs.map((run) => run.get(row)).filter((v): v is number => v !== undefined);
      return (values.length === 0 ? '-' : String(stats(values).median)).padStart(8);
    });
    console.log(`    ${row.padEnd(28)}${cells.join(' ')}`);
  }
}
