/**
 * The task routes through the Worker: create (draft, or queued with `run: true`, its chat session
 * holding the description as the first message), list, edit a draft, mark it ready, run it from
 * draft (two recorded transitions), and the 400/404/409 answers around them.
 */
import type { ChatSession, ListMessagesResponse, Task, TaskWithEvents } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, expectJson, getTask, projectData } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string; details?: unknown } };

describe('tasks', () => {
  it('creates a draft task without running it; its chat session starts with the description', async () => {
    const project = await createProject();
    const task = await createTask(project.id, { description: 'Rename the README\nand fix typos' });
    expect(task).toMatchObject({ status: 'draft', executionStep: null, title: 'Rename the README', agentType: 'claude-code', nodeId: null });
    expect(task.chatSessionId).toMatch(/^ses_/);

    const read = await expectJson<Task & { events: Array<{ fromStatus: string | null; toStatus: string }> }>(await api(`/api/tasks/${task.id}`), 200);
    expect(read.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([[null, 'draft']]);
    expect(await projectData(project.id).listMessages(task.chatSessionId!, 0, 10)).toHaveLength(1);
  });

  it('with run: true queues the task; its chat session holds the description as the first user message', async () => {
    const project = await createProject();
    const description = 'Add a --verbose flag to the CLI.\n\nKeep the output format unchanged.';
    const task = await createTask(project.id, { description, title: 'Verbose flag', agentType: 'claude-code', run: true });
    expect(task).toMatchObject({ status: 'queued', title: 'Verbose flag', agentType: 'claude-code', description });

    const session = await expectJson<ChatSession>(await api(`/api/projects/${project.id}/sessions/${task.chatSessionId}`), 200);
    expect(session).toMatchObject({ id: task.chatSessionId, taskId: task.id, topic: 'Verbose flag', messageCount: 1 });
    const page = await expectJson<ListMessagesResponse>(await api(`/api/projects/${project.id}/sessions/${task.chatSessionId}/messages`), 200);
    expect(page.messages).toHaveLength(1);
    expect(page.messages[0]).toMatchObject({ seq: 1, role: 'user', content: description });

    const read = await expectJson<{ events: Array<{ fromStatus: string | null; toStatus: string }> }>(await api(`/api/projects/${project.id}/tasks/${task.id}`), 200);
    expect(read.events.slice(0, 2).map((e) => [e.fromStatus, e.toStatus])).toEqual([[null, 'ready'], ['ready', 'queued']]);

    const { sessions } = await expectJson<{ sessions: Array<ChatSession & { task: { status: string } | null }> }>(
      await api(`/api/projects/${project.id}/sessions`),
      200,
    );
    expect(sessions.find((s) => s.id === task.chatSessionId)?.task?.status).toBeDefined();
  });

  it('lists tasks with a status filter and refuses bad input', async () => {
    const project = await createProject();
    const draft = await createTask(project.id, { description: 'one' });
    const listed = await expectJson<{ tasks: Task[] }>(await api(`/api/projects/${project.id}/tasks?status=draft`), 200);
    expect(listed.tasks.map((t) => t.id)).toEqual([draft.id]);
    await expectJson(await api(`/api/projects/${project.id}/tasks?status=sleeping`), 400);

    const empty = await expectJson<ErrorJson>(await api(`/api/projects/${project.id}/tasks`, { method: 'POST', body: { description: '  ' } }), 400);
    expect(empty.error.message).toContain('description');
    const badAgent = await expectJson<ErrorJson>(await api(`/api/projects/${project.id}/tasks`, { method: 'POST', body: { description: 'x', agentType: 'gpt' } }), 400);
    expect(badAgent.error.message).toContain('agentType');
    await expectJson(await api(`/api/tasks/tsk_unknown`), 404);
    await expectJson(await api(`/api/projects/${project.id}/tasks/tsk_unknown`), 404);
  });
});

describe('PATCH and run a task', () => {
  it('edits a draft, then runs it: draft → ready → queued, each recorded', async () => {
    const project = await createProject('edit');
    const draft = await createTask(project.id, { description: 'first idea' });
    const edited = await expectJson<Task>(
      await api(`/api/projects/${project.id}/tasks/${draft.id}`, { method: 'PATCH', body: { description: 'better idea', priority: 5, vmSize: 'medium', agentType: 'claude-code' } }),
      200,
    );
    expect(edited).toMatchObject({ description: 'better idea', priority: 5, vmSize: 'medium', agentType: 'claude-code', status: 'draft' });
    const queued = await expectJson<Task>(await api(`/api/projects/${project.id}/tasks/${draft.id}/run`, { method: 'POST' }), 202);
    expect(queued.status).toBe('queued');
    const task: TaskWithEvents = await getTask(draft.id);
    expect(task.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'draft'],
      ['draft', 'ready'],
      ['ready', 'queued'],
    ]);
  });

  it('marks a draft ready (recorded), and refuses it once the task is no longer a draft', async () => {
    const project = await createProject('ready');
    const draft = await createTask(project.id, { description: 'later' });
    const ready = await expectJson<Task>(await api(`/api/projects/${project.id}/tasks/${draft.id}/ready`, { method: 'POST' }), 200);
    expect(ready.status).toBe('ready');
    const again = await expectJson<{ error: { message: string } }>(await api(`/api/projects/${project.id}/tasks/${draft.id}/ready`, { method: 'POST' }), 409);
    expect(again.error.message).toContain('ready');
    const task = await getTask(draft.id);
    expect(task.events.at(-1)).toMatchObject({ fromStatus: 'draft', toStatus: 'ready', actor: 'user', reason: 'marked ready' });
  });

  it('refuses to edit or run a queued task with 409 naming its status', async () => {
    const project = await createProject('edit-queued');
    const task = await createTask(project.id, { description: 'go', run: true });
    const edit = await expectJson<{ error: { code: string; message: string } }>(
      await api(`/api/projects/${project.id}/tasks/${task.id}`, { method: 'PATCH', body: { title: 'late' } }),
      409,
    );
    expect(edit.error.message).toContain('queued');
    const run = await expectJson<{ error: { message: string } }>(await api(`/api/projects/${project.id}/tasks/${task.id}/run`, { method: 'POST' }), 409);
    expect(run.error.message).toContain('queued');
    await expectJson(await api(`/api/projects/${project.id}/tasks/tsk_missing`, { method: 'PATCH', body: { title: 'x' } }), 404);
    await expectJson(await api(`/api/projects/${project.id}/tasks/${task.id}`, { method: 'PATCH', body: { priority: -1 } }), 400);
  });
});
