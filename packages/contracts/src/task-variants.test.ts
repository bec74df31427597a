/** The status of a task run on several agents, from its variants' (`parentTaskStatus`), and `agentTypes` validation. */
import { describe, expect, it } from 'vitest';
import { CreateTaskRequest, parentTaskStatus, taskVariantBranchName } from './task.js';

describe('parentTaskStatus', () => {
  it('runs while any variant runs: the furthest a variant got, an ended one counting as in_progress', () => {
    expect(parentTaskStatus(['queued', 'queued'])).toBe('queued');
    expect(parentTaskStatus(['queued', 'delegated'])).toBe('delegated');
    expect(parentTaskStatus(['in_progress', 'queued', 'delegated'])).toBe('in_progress');
    expect(parentTaskStatus(['completed', 'queued'])).toBe('in_progress');
  });

  it('once all ended: completed when one completed, cancelled when all were cancelled, else failed', () => {
    expect(parentTaskStatus(['failed', 'completed', 'cancelled'])).toBe('completed');
    expect(parentTaskStatus(['failed', 'failed'])).toBe('failed');
    expect(parentTaskStatus(['failed', 'cancelled'])).toBe('failed');
    expect(parentTaskStatus(['cancelled', 'cancelled'])).toBe('cancelled');
  });
});

describe('CreateTaskRequest.agentTypes', () => {
  it('takes 2 to 6 distinct agent types, never with agentType', () => {
    expect(CreateTaskRequest.safeParse({ description: 'x', agentTypes: ['codex', 'gemini'] }).success).toBe(true);
    expect(CreateTaskRequest.safeParse({ description: 'x', agentTypes: ['codex'] }).success).toBe(false);
    expect(CreateTaskRequest.safeParse({ description: 'x', agentTypes: ['codex', 'codex'] }).success).toBe(false);
    expect(CreateTaskRequest.safeParse({ description: 'x', agentTypes: ['codex', 'gemini'], agentType: 'codex' }).success).toBe(false);
    expect(taskVariantBranchName('tsk_1', 'qwen-code')).toBe('task/tsk_1-qwen-code');
  });
});
