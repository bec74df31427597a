/** Shared pieces of the benchmarks: waiting for a fake model's next request, and summaries. */

/** A fake model API as the benches see it (the fake Anthropic, OpenAI and Gemini APIs of testkit). */
export interface RecordingFake {
  mainRequests(): ReadonlyArray<{ receivedAt: string }>;
}

/**
 * The arrival time (ms since epoch) of the main-conversation request number `count` (0-based),
 * polling every 5 ms.
 * @throws Error when none arrives within `timeoutMs`
 */
export async function nextMainRequestAt(fake: RecordingFake, count: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const request = fake.mainRequests()[count];
    if (request) return Date.parse(request.receivedAt);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no model request arrived');
}

/** Median, min and max of a list of figures. */
export function stats(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}
