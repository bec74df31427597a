import type { Task } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { workspaceNotToLink } from './workspaces';

const task = (status: Task['status'], output: Partial<Task['output']> = {}): Task =>
  ({ id: 't', status, workspaceId: 'ws_1', output: { branch: 'task/t', commitSha: 'abc', prUrl: null, summary: null, filesChanged: [], warning: null, ...output } }) as Task;

describe('workspaceNotToLink', () => {
  it('hides the workspace a task runs in, and a completed task\'s, which its cleanup destroys', () => {
    expect(workspaceNotToLink(task('in_progress'))).toBe('ws_1');
    expect(workspaceNotToLink(task('completed'))).toBe('ws_1');
    expect(workspaceNotToLink(task('completed', { branch: null, commitSha: null }))).toBe('ws_1');
  });
  it('links a kept one: failed, cancelled, or completed with a rejected push', () => {
    expect(workspaceNotToLink(task('failed'))).toBeNull();
    expect(workspaceNotToLink(task('cancelled'))).toBeNull();
    expect(workspaceNotToLink(task('completed', { branch: null, commitSha: 'abc' }))).toBeNull();
    expect(workspaceNotToLink(undefined)).toBeNull();
  });
});
