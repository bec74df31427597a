import { describe, expect, it } from 'vitest';
import { FlotillaError, conflict, fail, fromErrorData, isRetryable, succeed, toOutcome, transientFailure, unwrap } from './errors.js';
import { backoffDelayMs, retry } from './backoff.js';
import { isRetryableStatus } from './retry-rule.js';

describe('FlotillaError', () => {
  it('takes its status from its code and decides retryable by the one status rule', () => {
    expect(conflict('taken')).toMatchObject({ status: 409, retryable: false });
    expect(new FlotillaError('unavailable', 'down')).toMatchObject({ status: 503, retryable: true });
    expect(new FlotillaError('unreachable', 'no answer')).toMatchObject({ status: 0, retryable: true });
    expect(new FlotillaError('bad_response', 'garbage', { status: 200 })).toMatchObject({ status: 200, retryable: false });
  });

  it('survives a trip as plain data (what a Durable Object answers), class, code and retryable included', () => {
    const outcome = fail(conflict('node nod_1 is destroying'));
    const copied = structuredClone(outcome);
    expect(() => unwrap(copied)).toThrow(FlotillaError);
    try {
      unwrap(copied);
    } catch (error) {
      expect(error).toMatchObject({ code: 'conflict', status: 409, retryable: false, message: 'node nod_1 is destroying' });
      expect(isRetryable(error)).toBe(false);
    }
    expect(unwrap(structuredClone(succeed(3)))).toBe(3);
    expect(fromErrorData(transientFailure('later').toData()).retryable).toBe(true);
  });

  it('toOutcome keeps FlotillaErrors as data and rethrows anything else', async () => {
    await expect(toOutcome(() => Promise.reject(conflict('no')))).resolves.toMatchObject({ ok: false, error: { code: 'conflict' } });
    await expect(toOutcome(() => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
  });

  it('an unknown failure is retried; a refusal the server called permanent is not', () => {
    expect(isRetryable(new Error('Durable Object reset'))).toBe(true);
    expect(isRetryable(new FlotillaError('bad_request', 'no'))).toBe(false);
    expect(isRetryable({ code: 'conflict', message: 'x', status: 409, retryable: false })).toBe(false);
  });
});

describe('the retry rule and backoff', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 521, 526].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 409, 413, 422].some(isRetryableStatus)).toBe(false);
  });

  it('doubles from the first delay, with jitter in [1, 2), capped', () => {
    const options = { minDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, options, 0))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelayMs(1, options, 0.5)).toBe(150);
    expect(backoffDelayMs(2, { ...options, randomize: false }, 0.99)).toBe(200);
  });

  it('retry() retries a retryable failure and stops at once on one that is not', async () => {
    let calls = 0;
    await expect(retry(async () => (++calls < 3 ? Promise.reject(transientFailure('busy')) : 'done'), { minDelayMs: 1, maxDelayMs: 2 })).resolves.toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retry(async () => { calls += 1; throw conflict('taken'); }, { minDelayMs: 1, maxDelayMs: 2 })).rejects.toMatchObject({ code: 'conflict' });
    expect(calls).toBe(1);
  });

  it('retry() waits the delay a failure asks for (Retry-After) instead of the backoff step, within maxElapsedMs', async () => {
    const busy = () => new FlotillaError('unavailable', 'busy', { status: 429, retryAfterMs: 300 });
    const at: number[] = [];
    const options = { minDelayMs: 1, maxDelayMs: 2, requestedDelayMs: (error: unknown) => (error instanceof FlotillaError ? error.retryAfterMs : undefined) };
    await retry(async () => {
      at.push(performance.now());
      if (at.length === 1) throw busy();
      return 'done';
    }, options);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(290);
    // The wait never outlasts maxElapsedMs: asked for a minute, the loop gives up with the last failure instead.
    const started = performance.now();
    const longWait = () => new FlotillaError('unavailable', 'later', { status: 503, retryAfterMs: 60_000 });
    await expect(retry(async () => Promise.reject(longWait()), { ...options, maxElapsedMs: 50 })).rejects.toMatchObject({ message: 'later' });
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
