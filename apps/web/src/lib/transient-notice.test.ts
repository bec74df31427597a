/** Success notices clear after NOTICE_VISIBLE_MS or on the next edit (`createNoticeTimer`). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNoticeTimer, NOTICE_VISIBLE_MS } from './transient-notice';

describe('createNoticeTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows a notice, then hides it after the visible time', () => {
    const seen: Array<string | null> = [];
    const timer = createNoticeTimer((text) => seen.push(text));
    timer.show('Settings saved.');
    vi.advanceTimersByTime(NOTICE_VISIBLE_MS - 1);
    expect(seen).toEqual(['Settings saved.']);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['Settings saved.', null]);
  });

  it('hides it at once on clear (the next edit), and a new show restarts the time', () => {
    const seen: Array<string | null> = [];
    const timer = createNoticeTimer((text) => seen.push(text), 1_000);
    timer.show('Saved.');
    timer.clear();
    expect(seen).toEqual(['Saved.', null]);
    timer.show('Saved again.');
    vi.advanceTimersByTime(600);
    timer.show('Saved again.');
    vi.advanceTimersByTime(600);
    expect(seen.at(-1)).toBe('Saved again.');
    vi.advanceTimersByTime(400);
    expect(seen.at(-1)).toBeNull();
    timer.dispose();
  });
});
