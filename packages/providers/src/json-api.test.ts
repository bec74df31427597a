/**
 * The cloud APIs' request function follows the kit's one retry rule (408, 429 and 5xx are worth
 * another attempt, other refusals are not) and its backoff when the API names no wait; its
 * failures are the kit's error type, so `isRetryable` answers for them.
 */
import { FlotillaError, isRetryable } from '@flotilla/kit';
import { describe, expect, it } from 'vitest';
import { createJsonApiRequest, FIRST_RETRY_DELAY_MS } from './json-api.js';
import { ProviderError } from './provider.js';

/** A request function whose API answers `statuses` in turn (a thrown TypeError for 0: no answer). */
function apiAnswering(statuses: number[]) {
  const waits: number[] = [];
  const calls: string[] = [];
  const request = createJsonApiRequest(
    'Test',
    'https://api.example',
    {
      token: 't',
      maxAttempts: 3,
      sleep: async (ms) => {
        waits.push(ms);
      },
      fetch: async (input) => {
        calls.push(String(input));
        const status = statuses.shift() ?? 200;
        if (status === 0) throw new TypeError('fetch failed');
        return new Response(status === 204 ? null : JSON.stringify({ status }), { status });
      },
    },
    (method, path, status) => `Test ${method} ${path} failed with ${status}`,
  );
  return { request, waits, calls };
}

describe('createJsonApiRequest', () => {
  it('retries 408, 429 and 5xx, as kit isRetryableStatus says', async () => {
    for (const status of [408, 429, 500, 503]) {
      const api = apiAnswering([status]);
      expect(await api.request('GET', '/things')).toEqual({ status: 200, json: { status: 200 } });
      expect(api.calls).toHaveLength(2);
    }
  });

  it('gives up at once on another refusal, with a permanent ProviderError that is a FlotillaError', async () => {
    const api = apiAnswering([403]);
    const error = await api.request('POST', '/things', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toBeInstanceOf(FlotillaError);
    expect(error).toMatchObject({ name: 'ProviderError', code: 'forbidden', status: 403, retryable: false, message: 'Test POST /things failed with 403' });
    expect(isRetryable(error)).toBe(false);
    expect(api.calls).toHaveLength(1);
  });

  it('waits with kit backoff (jitter included) when the API names no wait, and ends retryable', async () => {
    const api = apiAnswering([0, 502, 502]);
    const error = await api.request('GET', '/things').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', status: 502, retryable: true });
    expect(isRetryable(error)).toBe(true);
    expect(api.waits).toHaveLength(2);
    expect(api.waits[0]).toBeGreaterThanOrEqual(FIRST_RETRY_DELAY_MS);
    expect(api.waits[0]).toBeLessThan(2 * FIRST_RETRY_DELAY_MS);
    expect(api.waits[1]).toBeGreaterThanOrEqual(2 * FIRST_RETRY_DELAY_MS);
    expect(api.waits[1]).toBeLessThan(4 * FIRST_RETRY_DELAY_MS);
  });

  it('an API that stays unreachable is a retryable failure saying so', async () => {
    const api = apiAnswering([0, 0, 0]);
    const error = await api.request('GET', '/things?page=2').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unreachable', retryable: true, message: 'Test API unreachable (GET /things): fetch failed' });
  });
});
