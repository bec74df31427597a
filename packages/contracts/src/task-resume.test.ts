/** The resume transition (issue 15 item 3): `completed|failed|cancelled → queued`, of kind `resume` only. */
import { describe, expect, it } from 'vitest';
import { canTransitionTask, FollowUpPromptResponse, TaskStatus } from './task.js';

describe('canTransitionTask with kind resume', () => {
  it('sends an ended task back to queued, and nothing else', () => {
    for (const from of ['completed', 'failed', 'cancelled'] as const) expect(canTransitionTask(from, 'queued', 'resume')).toBe(true);
    for (const from of TaskStatus.options.filter((s) => !['completed', 'failed', 'cancelled'].includes(s))) expect(canTransitionTask(from, 'queued', 'resume')).toBe(false);
    for (const to of TaskStatus.options.filter((s) => s !== 'queued')) expect(canTransitionTask('completed', to, 'resume')).toBe(false);
  });

  it('is no ordinary move: a completed task stays put otherwise, and a retry still goes to ready only', () => {
    expect(canTransitionTask('completed', 'queued')).toBe(false);
    expect(canTransitionTask('completed', 'ready', 'retry')).toBe(false);
    expect(canTransitionTask('failed', 'ready', 'retry')).toBe(true);
  });

  it('the prompt answer says resumed', () => {
    expect(FollowUpPromptResponse.parse({ sessionId: 's', messageId: 'm', delivery: 'resumed' }).delivery).toBe('resumed');
  });
});
