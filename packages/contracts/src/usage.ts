/**
 * Model usage, counted by the node daemon's model gateway from the answers of the model API (their
 * `usage`), per request, and totalled per task: what a task consumed (DESIGN.md §7). The totals
 * carry, when the daemon gives it, the same counts per model (`byModel`): what the cost estimate
 * prices (costs.ts).
 */
import * as z from 'zod';

const Count = z.number().int().min(0);

/** The counts of one model (or of all of them). */
export const ModelUsageCounts = z.object({
  /** Model API requests the agent made through the gateway. */
  requests: Count,
  inputTokens: Count,
  outputTokens: Count,
  /** Input tokens written to the prompt cache. */
  cacheCreationInputTokens: Count,
  /** Input tokens read from the prompt cache. */
  cacheReadInputTokens: Count,
});
export type ModelUsageCounts = z.infer<typeof ModelUsageCounts>;

/** The counts of one model, as the model API's answers named it (null: an answer that named none). */
export const ModelUsageOfModel = ModelUsageCounts.extend({ model: z.string().max(200).nullable() });
export type ModelUsageOfModel = z.infer<typeof ModelUsageOfModel>;

export const ModelUsage = ModelUsageCounts.extend({
  /** The same counts per model (absent: a daemon from before issue 16 did not say). */
  byModel: z.array(ModelUsageOfModel).max(100).optional(),
});
export type ModelUsage = z.infer<typeof ModelUsage>;

export const EMPTY_MODEL_USAGE: ModelUsage = { requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function addCounts(a: ModelUsageCounts, b: ModelUsageCounts): ModelUsageCounts {
  return {
    requests: a.requests + b.requests,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
  };
}

/** The sum of two usages (their per-model counts summed per model, when either has them). */
export function addModelUsage(a: ModelUsage, b: ModelUsage): ModelUsage {
  const sum: ModelUsage = addCounts(a, b);
  if (!a.byModel && !b.byModel) return sum;
  const byModel = new Map<string | null, ModelUsageOfModel>();
  for (const entry of [...(a.byModel ?? []), ...(b.byModel ?? [])]) {
    const before = byModel.get(entry.model);
    byModel.set(entry.model, before ? { model: entry.model, ...addCounts(before, entry) } : entry);
  }
  return { ...sum, byModel: [...byModel.values()] };
}
