/**
 * Capability: a task's status and execution steps are pushed to the project's viewers as they
 * happen (`task.updated` on the ProjectData WebSocket), in order, ending with `completed` and its
 * branch — what `flotilla run` and the web app follow instead of polling every half second.
 */
import type { ProjectEvent, Task } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, openSessionViewer, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const taskUpdates = (events: ProjectEvent[], taskId: string): Task[] =>
  events.flatMap((e) => (e.type === 'task.updated' && e.task.id === taskId ? [e.task] : []));

describe('task.updated events', () => {
  it('carry every status and step of a run, in order, to a viewer of its session', async () => {
    const project = await stack.client.createProject({ name: 'pushed', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const draft = await stack.client.createTask(project.id, { description: 'write PUSHED.md: pushed\nsay: done' });
    const viewer = await openSessionViewer(stack.client.sessionsSocketUrl(project.id, draft.chatSessionId ?? '', 0), draft.chatSessionId ?? '');
    await stack.client.runTask(project.id, draft.id);
    const done = await waitForTask(stack.client, draft.id);
    expect(done.status).toBe('completed');
    await viewer.waitFor(() => taskUpdates(viewer.events, draft.id).some((t) => t.status === 'completed'), 15_000).catch(() => undefined);

    const updates = taskUpdates(viewer.events, draft.id);
    const seen = updates.map((t) => `${t.status}/${t.executionStep ?? '-'}`);
    // Consecutive duplicates collapsed: each change once, in the order it happened.
    const changes = seen.filter((entry, i) => entry !== seen[i - 1]);
    expect(changes).toEqual([
      'ready/-',
      'queued/node_selection',
      'queued/node_provisioning',
      'queued/node_agent_ready',
      'queued/workspace_creation',
      'delegated/workspace_creation',
      'delegated/workspace_ready',
      'delegated/agent_session',
      'in_progress/agent_session',
      'in_progress/running',
      'completed/running',
    ]);
    expect(updates.at(-1)).toMatchObject({ status: 'completed', output: { branch: `task/${draft.id}` } });
  });
});
