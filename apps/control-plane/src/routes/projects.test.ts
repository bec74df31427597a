/**
 * The public HTTP API through the Worker: projects, tasks (draft and run), and reading a chat
 * session's messages page by page.
 */
import type { ChatSession, ListMessagesResponse, Project, Task } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, expectJson, message, messages, projectData } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string; details?: unknown } };

describe('projects', () => {
  it('creates a project with defaults, lists it and reads it back', async () => {
    const created = await expectJson<Project>(
      await api('/api/projects', { method: 'POST', body: { name: '  Website  ', repoUrl: 'https://example.com/site.git' } }),
      201,
    );
    expect(created).toMatchObject({ name: 'Website', repoUrl: 'https://example.com/site.git', defaultBranch: 'main', defaultAgentType: 'claude-code' });
    expect(created.id).toMatch(/^prj_/);

    const other = await expectJson<Project>(
      await api('/api/projects', { method: 'POST', body: { name: 'Tools', repoUrl: '/srv/git/tools', defaultBranch: 'develop', defaultAgentType: 'scripted' } }),
      201,
    );
    expect(other).toMatchObject({ defaultBranch: 'develop', defaultAgentType: 'scripted' });

    const { projects } = await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200);
    expect(projects.map((p) => p.id)).toEqual(expect.arrayContaining([created.id, other.id]));
    expect(await expectJson<Project>(await api(`/api/projects/${created.id}`), 200)).toEqual(created);
  });

  it.each([
    ['no name', { repoUrl: 'https://example.com/x.git' }, 'name'],
    ['empty name', { name: '   ', repoUrl: 'https://example.com/x.git' }, 'name'],
    ['no repoUrl', { name: 'x' }, 'repoUrl'],
    ['bad defaultBranch', { name: 'x', repoUrl: 'r', defaultBranch: 'has space' }, 'defaultBranch'],
    ['unknown defaultAgentType', { name: 'x', repoUrl: 'r', defaultAgentType: 'gpt' }, 'defaultAgentType'],
    // Names git would read as options, or as a remote helper to run (contracts git-names.ts).
    ['a defaultBranch git reads as an option', { name: 'x', repoUrl: 'https://example.com/x.git', defaultBranch: '--help' }, 'defaultBranch'],
    ['a repoUrl git reads as an option', { name: 'x', repoUrl: '--upload-pack=touch /tmp/pwned' }, 'repoUrl'],
    ['an ext:: repoUrl', { name: 'x', repoUrl: 'ext::sh -c touch% /tmp/pwned' }, 'repoUrl'],
  ])('refuses %s with 400 naming the field', async (_case, body, field) => {
    const before = await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200);
    const error = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body }), 400);
    expect(error.error.code).toBe('bad_request');
    expect(error.error.message).toContain(field);
    const after = await expectJson<{ projects: Project[] }>(await api('/api/projects'), 200);
    expect(after.projects).toHaveLength(before.projects.length);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const error = await expectJson<ErrorJson>(await api('/api/projects', { method: 'POST', body: '{"name": ', headers: { 'content-type': 'application/json' } }), 400);
    expect(error.error.message).toContain('not valid JSON');
  });

  it('answers 404 with an error body for an unknown project', async () => {
    const error = await expectJson<ErrorJson>(await api('/api/projects/prj_unknown'), 404);
    expect(error.error).toMatchObject({ code: 'not_found' });
    expect(error.error.message).toContain('prj_unknown');
    await expectJson(await api('/api/projects/prj_unknown/tasks', { method: 'POST', body: { description: 'x' } }), 404);
  });
});

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
    const task = await createTask(project.id, { description, title: 'Verbose flag', agentType: 'scripted', run: true });
    expect(task).toMatchObject({ status: 'queued', title: 'Verbose flag', agentType: 'scripted', description });

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

describe('GET …/sessions/:sessionId/messages', () => {
  it('pages with after and limit, and refuses bad queries', async () => {
    const project = await createProject();
    const task = await createTask(project.id, { description: 'Page through me' });
    const sessionId = task.chatSessionId!;
    await projectData(project.id).persistMessageBatch([...messages(sessionId, 6), message(sessionId, { role: 'tool', content: 'ls', toolMetadata: { toolCallId: 't1', kind: 'execute', status: 'completed' } })]);
    const url = (query: string) => `/api/projects/${project.id}/sessions/${sessionId}/messages${query}`;

    const first = await expectJson<ListMessagesResponse>(await api(url('?limit=3')), 200);
    expect(first.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ nextAfter: 3, hasMore: true });
    expect(first.messages[0]).toMatchObject({ role: 'user', content: 'Page through me' });

    const second = await expectJson<ListMessagesResponse>(await api(url(`?after=${first.nextAfter}&limit=3`)), 200);
    expect(second.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
    const last = await expectJson<ListMessagesResponse>(await api(url(`?after=${second.nextAfter}&limit=3`)), 200);
    expect(last.messages.map((m) => m.seq)).toEqual([7, 8]);
    expect(last).toMatchObject({ nextAfter: 8, hasMore: false });
    expect(last.messages[1]).toMatchObject({ role: 'tool', toolMetadata: { toolCallId: 't1', kind: 'execute' } });

    const beyond = await expectJson<ListMessagesResponse>(await api(url('?after=8')), 200);
    expect(beyond).toEqual({ messages: [], nextAfter: 8, hasMore: false });

    for (const bad of ['?limit=0', '?limit=1001', '?after=-1', '?after=abc']) {
      await expectJson(await api(url(bad)), 400);
    }
    await expectJson(await api(`/api/projects/${project.id}/sessions/ses_unknown/messages`), 404);
    await expectJson(await api(`/api/projects/prj_unknown/sessions/${sessionId}/messages`), 404);
  });
});
