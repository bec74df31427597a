/** Status words (labels, explanations) and when a session is "live". */
import { TaskStatus } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { isSessionLive, statusTitle, taskStatusWords } from './status-words';

describe('status words', () => {
  it('has a label and a one-line explanation for every task status', () => {
    for (const status of TaskStatus.options) {
      const words = taskStatusWords(status);
      expect(words.label.length).toBeGreaterThan(0);
      expect(words.label).not.toContain('_');
      expect(words.explanation).toMatch(/\.$/);
      expect(words.explanation).not.toContain('\n');
    }
  });

  it('says "Starting" for delegated and "Running" for in_progress', () => {
    expect(taskStatusWords('delegated').label).toBe('Starting');
    expect(taskStatusWords('in_progress').label).toBe('Running');
    expect(statusTitle('delegated')).toMatch(/^Starting — A node is being prepared/);
  });
});

describe('isSessionLive', () => {
  it('is live only while the agent runs', () => {
    expect(isSessionLive('active', 'in_progress')).toBe(true);
    expect(isSessionLive('active', 'delegated')).toBe(true);
    expect(isSessionLive('active', null)).toBe(true);
  });

  it('is never live for an ended task, a draft or a stopped session', () => {
    for (const status of ['completed', 'failed', 'cancelled', 'draft', 'ready'] as const) expect(isSessionLive('active', status)).toBe(false);
    expect(isSessionLive('stopped', 'in_progress')).toBe(false);
    expect(isSessionLive('stopped', null)).toBe(false);
  });
});
