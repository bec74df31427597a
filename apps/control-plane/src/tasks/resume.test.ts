/**
 * Resume through the Worker (issue 15 item 3): a follow-up to an ended task's session answers
 * `resumed` and queues the task again with the follow-up recorded and the output kept; a failed
 * task whose workspace is still kept, or a task not under way yet, still answers 409. And the
 * prompt the new agent gets (composeResumePrompt): the conversation quoted, newest kept, then
 * the follow-up. The run through a node is the capability test's (tests/capability/resume).
 */
import type { ChatMessage, TaskStatus } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, deps, expectJson, getTask, listMessages, seedWorkspace, taskRunner } from '../../test/helpers.js';
import { composeResumePrompt } from './resume-prompt.js';
import type { TaskRunFields } from './repository.js';
import { transitionTask } from './status.js';

type ErrorJson = { error: { code: string; message: string } };

/** A task moved by hand through `statuses` (no run of its own), `fields` recorded with the last move. */
async function taskThrough(statuses: TaskStatus[], fields: TaskRunFields = {}) {
  const project = await createProject('resume');
  const task = await createTask(project.id, { description: 'Write FIRST.md.' });
  for (const [index, status] of statuses.entries()) {
    await transitionTask(deps(), task.id, status, { actor: 'test', fields: index === statuses.length - 1 ? fields : undefined });
  }
  return { project, task };
}

const prompt = (projectId: string, sessionId: string, text: string) => api(`/api/projects/${projectId}/sessions/${sessionId}/prompt`, { method: 'POST', body: { text } });

describe('a follow-up to an ended task', () => {
  it('resumes a completed task: 202 resumed, queued again with its branch and pull request kept, the follow-up in the chat', async () => {
    const output = { output_branch: 'task/x', output_commit_sha: 'abc', output_pr_url: 'https://github.com/o/r/pull/1' };
    const { project, task } = await taskThrough(['ready', 'queued', 'delegated', 'in_progress', 'completed'], output);
    const sessionId = task.chatSessionId ?? '';
    const answer = await expectJson<{ delivery: string; messageId: string }>(await prompt(project.id, sessionId, 'Now add SECOND.md.'), 202);
    expect(answer.delivery).toBe('resumed');
    // The run is ended here (the task's status stays): its steps through a node are the capability test's.
    await taskRunner(task.id).cancelRun('the test stops the resumed run here');

    const resumed = await getTask(task.id);
    expect(resumed.status).toBe('queued');
    expect(resumed.events.at(-1)).toMatchObject({ fromStatus: 'completed', toStatus: 'queued', reason: expect.stringContaining('resumed') });
    expect(resumed.output).toMatchObject({ branch: 'task/x', prUrl: 'https://github.com/o/r/pull/1' });
    expect((await taskRunner(task.id).getState())?.task?.resume).toEqual({ messageId: answer.messageId, branch: 'task/x', prUrl: 'https://github.com/o/r/pull/1' });
    const chat = await listMessages(project.id, sessionId);
    expect(chat.find((m) => m.messageId === answer.messageId)).toMatchObject({ role: 'user', content: 'Now add SECOND.md.' });
    expect(chat.some((m) => m.role === 'system' && m.content.includes('Resuming the task'))).toBe(true);
  });

  it('refuses (409) a failed task whose workspace is still kept, and a task that never ran', async () => {
    const failed = await taskThrough(['ready', 'queued', 'delegated', 'in_progress']);
    const { workspaceId } = await seedWorkspace(failed.project.id, failed.task.chatSessionId ?? '', failed.task.id);
    await transitionTask(deps(), failed.task.id, 'failed', { actor: 'test', fields: { workspace_id: workspaceId, error: 'boom' } });
    // seedWorkspace's workspace is `creating`: a kept workspace the task is still in.
    const refused = await expectJson<ErrorJson>(await prompt(failed.project.id, failed.task.chatSessionId ?? '', 'again'), 409);
    expect(refused.error.message).toContain('failed');
    expect((await getTask(failed.task.id)).status).toBe('failed');

    const draft = await taskThrough([]);
    await expectJson<ErrorJson>(await prompt(draft.project.id, draft.task.chatSessionId ?? '', 'go'), 409);
  });
});

const chat = (role: ChatMessage['role'], content: string, seq: number): ChatMessage => ({ seq, messageId: `m${seq}`, sessionId: 's', role, content, toolMetadata: null, createdAt: '' });

describe('composeResumePrompt', () => {
  it('quotes the user prompts and agent answers, oldest first, then hands on the follow-up unchanged', () => {
    const history = [chat('user', 'write A.md: a', 1), chat('tool', 'Write A.md', 2), chat('assistant', 'Wrote A.md.', 3), chat('assistant', 'Anything else?', 4), chat('system', 'Task completed.', 5)];
    const text = composeResumePrompt(history, 'say: more', 10_000);
    expect(text).toContain('The user wrote:\n> write A.md: a\n\nYou answered:\n> Wrote A.md.\n> Anything else?');
    expect(text).not.toContain('Write A.md\n');
    expect(text).not.toContain('Task completed.');
    expect(text).not.toContain('left out');
    expect(text.endsWith('The user now writes:\n\nsay: more')).toBe(true);
  });

  it('keeps the newest part within maxChars, cutting the oldest kept message at its start', () => {
    const history = [chat('user', 'old '.repeat(50), 1), chat('assistant', 'middle answer', 2), chat('user', 'newest prompt', 3)];
    // 13 characters for the newest prompt leave 7 of the answer before it, and none of the oldest.
    const text = composeResumePrompt(history, 'follow-up', 20);
    expect(text).toContain('(its oldest part left out)');
    expect(text).toContain('> newest prompt');
    expect(text).toContain('> […]  answer');
    expect(text).not.toContain('middle');
    expect(text).not.toContain('> old');
  });

  it('is the follow-up alone when there is no conversation', () => {
    expect(composeResumePrompt([chat('system', 'x', 1)], 'just this', 100)).toBe('just this');
  });
});
