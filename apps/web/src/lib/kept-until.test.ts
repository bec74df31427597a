import { describe, expect, it } from 'vitest';
import { keptUntilText } from './kept-until';

describe('keptUntilText', () => {
  const now = new Date(2026, 11, 6, 13, 0).getTime();
  it('says today, tomorrow, or the date, with the time', () => {
    expect(keptUntilText(new Date(2026, 11, 6, 14, 5).toISOString(), now)).toBe('kept until 14:05 today');
    expect(keptUntilText(new Date(2026, 11, 7, 14, 5).toISOString(), now)).toBe('kept until 14:05 tomorrow');
    expect(keptUntilText(new Date(2026, 11, 9, 8, 30).toISOString(), now)).toBe('kept until 08:30 on 9 Dec');
  });
});
