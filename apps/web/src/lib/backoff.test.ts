import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReconnector } from './backoff';

describe('createReconnector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits 500 ms, then doubles up to 5 s; an open connection resets the delay; stop cancels', () => {
    const connect = vi.fn();
    const reconnector = createReconnector(connect);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = connect.mock.calls.length;
      reconnector.retry();
      let waited = 0;
      while (connect.mock.calls.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    reconnector.reset();
    reconnector.retry();
    vi.advanceTimersByTime(500);
    expect(connect).toHaveBeenCalledTimes(7);
    reconnector.retry();
    reconnector.stop();
    vi.advanceTimersByTime(10_000);
    reconnector.retry();
    vi.advanceTimersByTime(10_000);
    expect(connect).toHaveBeenCalledTimes(7);
    expect(reconnector.stopped).toBe(true);
  });
});
