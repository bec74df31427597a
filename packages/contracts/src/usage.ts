/**
 * Model usage, counted by the node daemon's model gateway from the answers of the model API (their
 * `usage`), per request, and totalled per task: what a task consumed (DESIGN.md §7).
 */
import { z } from 'zod';

export const ModelUsage = z.object({
  /** Model API requests the agent made through the gateway. */
  requests: z.number().int().min(0),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** Input tokens written to the prompt cache. */
  cacheCreationInputTokens: z.number().int().min(0),
  /** Input tokens read from the prompt cache. */
  cacheReadInputTokens: z.number().int().min(0),
});
export type ModelUsage = z.infer<typeof ModelUsage>;

export const EMPTY_MODEL_USAGE: ModelUsage = { requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

/** The sum of two usages. */
export function addModelUsage(a: ModelUsage, b: ModelUsage): ModelUsage {
  return {
    requests: a.requests + b.requests,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
  };
}
