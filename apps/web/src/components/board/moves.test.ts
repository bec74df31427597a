/** The board's legal drag-and-drop moves (`boardMove`). */
import { TaskStatus } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { boardMove, dropTargets } from './moves';

describe('boardMove', () => {
  it('marks a draft ready when it is dropped on Ready', () => {
    expect(boardMove('draft', 'ready')).toBe('markReady');
  });

  it('runs a draft or ready task dropped on Queued or Running', () => {
    for (const from of ['draft', 'ready'] as const) {
      expect(boardMove(from, 'queued')).toBe('run');
      expect(boardMove(from, 'in_progress')).toBe('run');
    }
  });

  it('retries a failed or cancelled task dropped on Ready, Queued or Running', () => {
    for (const from of ['failed', 'cancelled'] as const) {
      expect(dropTargets(from, TaskStatus.options)).toEqual(['ready', 'queued', 'in_progress']);
      expect(boardMove(from, 'ready')).toBe('retry');
    }
  });

  it('refuses every other move', () => {
    for (const from of ['queued', 'delegated', 'in_progress', 'completed'] as const) {
      expect(dropTargets(from, TaskStatus.options)).toEqual([]);
    }
    expect(boardMove('ready', 'draft')).toBeNull();
    expect(boardMove('draft', 'completed')).toBeNull();
    expect(boardMove('draft', 'draft')).toBeNull();
    expect(boardMove('failed', 'cancelled')).toBeNull();
  });
});
