/**
 * `flotilla run` with several `--agent`s: follow a task run on several agents (its `variants`,
 * contracts task.ts) until it ends, reporting each variant's status as it changes, then show
 * their results side by side — status, files changed, tokens, branch and summary per agent.
 */
import { AGENT_CATALOG, TERMINAL_TASK_STATUSES, type TaskVariant, type TaskWithEvents } from '@flotilla/contracts';
import type { FlotillaClient } from '@flotilla/api-client';

/** How often the task is read while its variants run, in ms. */
export const VARIANTS_POLL_MS = 1_000;

export interface FollowVariantsOptions {
  /** How often the task is read, in ms (default {@link VARIANTS_POLL_MS}). */
  pollIntervalMs?: number;
  /** Give up after this long, in ms (default: never). */
  timeoutMs?: number;
}

/**
 * Read task `taskId` until it ends, calling `onChange` for each variant whose status (or error)
 * changed since the last read.
 * @returns the task as it ended
 * @throws Error when it has not ended within `options.timeoutMs`
 */
export async function followVariants(client: FlotillaClient, taskId: string, onChange: (variant: TaskVariant) => void, options: FollowVariantsOptions = {}): Promise<TaskWithEvents> {
  const seen = new Map<string, string>();
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  for (;;) {
    const task = await client.getTask(taskId);
    for (const variant of task.variants ?? []) {
      const state = `${variant.status}:${variant.error ?? ''}`;
      if (seen.get(variant.taskId) === state) continue;
      seen.set(variant.taskId, state);
      onChange(variant);
    }
    if (TERMINAL_TASK_STATUSES.includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} did not finish within ${options.timeoutMs} ms (status ${task.status})`);
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? VARIANTS_POLL_MS));
  }
}

/** One line of progress for `variant`. */
export function renderVariantProgress(variant: TaskVariant): string {
  return `[${AGENT_CATALOG[variant.agentType].label}] ${variant.status.replace('_', ' ')}${variant.error ? `: ${variant.error}` : ''}`;
}

/** Tokens of a variant as shown: input + output, or `-` when no usage was counted. */
function tokens(variant: TaskVariant): string {
  return variant.usage ? `${variant.usage.inputTokens} in / ${variant.usage.outputTokens} out` : '-';
}

/** The variants side by side, one row per agent, columns padded to fit, then each one's summary or error. */
export function renderComparison(variants: readonly TaskVariant[]): string {
  const header = ['Agent', 'Status', 'Files', 'Tokens', 'Branch'];
  const rows = variants.map((v) => [AGENT_CATALOG[v.agentType].label, v.status, String(v.filesChanged?.length ?? 0), tokens(v), v.branch ?? '-']);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const table = [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
  const notes = variants.map((v) => `${AGENT_CATALOG[v.agentType].label}: ${v.error ?? v.summary ?? '(no summary)'}`);
  return [...table, '', ...notes].join('\n');
}
