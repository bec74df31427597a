import type { Task, TaskStatus } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { boardColumns, firstNonEmptyColumn } from './columns';

const task = (id: string, status: TaskStatus, priority = 0, updatedAt = '2026-01-01T00:00:00Z') => ({ id, status, priority, updatedAt }) as Task;

describe('boardColumns', () => {
  it('always shows the six primary columns, in order', () => {
    expect(boardColumns([]).map((c) => c.status)).toEqual(['draft', 'ready', 'in_progress', 'completed', 'failed', 'cancelled']);
  });

  it('shows queued and delegated only while they hold cards, before in_progress', () => {
    const columns = boardColumns([task('a', 'queued')]).map((c) => c.status);
    expect(columns).toEqual(['draft', 'ready', 'queued', 'in_progress', 'completed', 'failed', 'cancelled']);
  });

  it('orders cards by priority, then most recently updated', () => {
    const draft = boardColumns([
      task('low', 'draft', 1),
      task('old-high', 'draft', 9, '2026-01-01T00:00:00Z'),
      task('new-high', 'draft', 9, '2026-01-02T00:00:00Z'),
    ])[0];
    expect(draft?.tasks.map((t) => t.id)).toEqual(['new-high', 'old-high', 'low']);
  });
});

describe('firstNonEmptyColumn', () => {
  it('starts a narrow board on the first column holding cards, not an empty Draft', () => {
    expect(firstNonEmptyColumn(boardColumns([task('a', 'failed'), task('b', 'completed')]))).toBe('completed');
    expect(firstNonEmptyColumn(boardColumns([]))).toBe('draft');
    expect(firstNonEmptyColumn([])).toBeNull();
  });
});
