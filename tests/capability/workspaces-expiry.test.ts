/**
 * Capability (issue 17, items 1–2): nodes are not held by workspaces nobody needs, on the real
 * stack with the local provider. (a) A task whose repository cannot be cloned fails in set-up and
 * its node is released at once: no live workspace on it, and it goes warm. (b) A failed task's
 * workspace is kept — listed with its expiry — until KEPT_WORKSPACE_TTL_MS (shortened here) has
 * passed; then the node sweep (`POST /api/nodes/sweep`, the local trigger of the cron) deletes it
 * and releases its node. (c) A workspace made by hand, older than that kept one, is not expired.
 * Everything is asserted through the public API, waiting on state.
 */
import { bootTestStack, createGitRepo, waitForTask, waitForWorkspaceRunning, type TestStack } from '@flotilla/testkit/stack';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectOnFreshRepo, fetchNode, sweepNodesNow } from './nodes-support.js';

/** How long a failed task's workspace is kept in this test (ms). */
const KEPT_WORKSPACE_TTL_MS = 3_000;

let stack: TestStack;

beforeAll(async () => {
  // Warm nodes stay warm for the whole test, so "released" shows as `warm`.
  stack = await bootTestStack({ vars: { KEPT_WORKSPACE_TTL_MS: String(KEPT_WORKSPACE_TTL_MS), NODE_WARM_TIMEOUT_MS: '3600000' } });
});

afterAll(async () => {
  await stack?.close();
});

describe('kept workspaces and the nodes they hold', () => {
  it('a task that fails in set-up (its repository is gone) releases its node at once', async () => {
    const repo = createGitRepo({ 'README.md': '# gone\n' });
    const project = await stack.client.createProject({ name: 'gone', repoUrl: repo, defaultBranch: 'main' });
    rmSync(repo, { recursive: true, force: true });

    const created = await stack.client.createTask(project.id, { description: 'say: never runs', run: true });
    const task = await waitForTask(stack.client, created.id, 180_000);
    expect(task.status).toBe('failed');
    expect(task.error ?? '').toMatch(/clone/i);
    const nodeId = task.nodeId ?? '';
    expect(nodeId).not.toBe('');

    // No waiting for a sweep or a lifetime: the run's cleanup releases it.
    await expect.poll(async () => (await fetchNode(stack, nodeId)).status, { timeout: 30_000, interval: 200 }).toBe('warm');
    const node = await fetchNode(stack, nodeId);
    expect(node.workspaceIds).toEqual([]);
    expect(node.workspaces).toEqual([]);
    expect(await stack.client.listWorkspaces(project.id)).toEqual([]);
  });

  it("a failed task's kept workspace is deleted once it expires, and a workspace made by hand is not", async () => {
    const project = await createProjectOnFreshRepo(stack);
    const manual = await stack.client.createWorkspace(project.id);
    await waitForWorkspaceRunning(stack.client, project.id, manual.workspaceId);

    const created = await stack.client.createTask(project.id, { description: 'say: looking\nfail: boom', run: true });
    const task = await waitForTask(stack.client, created.id, 180_000);
    expect(task.status).toBe('failed');
    const workspaceId = task.workspaceId ?? '';
    const nodeId = task.nodeId ?? '';

    // Kept, listed with its expiry, and shown on its node with its task. The run's cleanup, which
    // follows the task's end, sets the expiry: wait for it.
    const keptWorkspace = async () => (await stack.client.listWorkspaces(project.id)).find((w) => w.workspaceId === workspaceId);
    await expect.poll(async () => (await keptWorkspace())?.expiresAt ?? null, { timeout: 30_000, interval: 200 }).not.toBeNull();
    const kept = await keptWorkspace();
    expect(kept).toMatchObject({ kind: 'task', taskId: task.id, taskTitle: task.title, nodeId, status: 'running' });
    expect(Date.parse(kept?.expiresAt ?? '')).toBeGreaterThan(Date.now() - KEPT_WORKSPACE_TTL_MS);
    const node = await fetchNode(stack, nodeId);
    expect(node.status).toBe('ready');
    expect(node.workspaces.map((w) => [w.workspaceId, w.taskId, w.projectName])).toEqual([[workspaceId, task.id, project.name]]);

    // Past its expiry the sweep deletes it and the node is released.
    await expect
      .poll(
        async () => {
          await sweepNodesNow(stack);
          return (await stack.client.listWorkspaces(project.id)).map((w) => w.workspaceId);
        },
        { timeout: 60_000, interval: 500 },
      )
      .not.toContain(workspaceId);
    await expect.poll(async () => (await fetchNode(stack, nodeId)).status, { timeout: 30_000, interval: 200 }).toBe('warm');
    expect((await fetchNode(stack, nodeId)).workspaceIds).toEqual([]);

    // The workspace made by hand, older than the expired one, is still there and running.
    expect((await stack.client.getWorkspace(project.id, manual.workspaceId)).status).toBe('running');
    const listed = await stack.client.listWorkspaces(project.id);
    expect(listed).toEqual([expect.objectContaining({ workspaceId: manual.workspaceId, kind: 'manual', expiresAt: null, chatSessionId: manual.chatSessionId })]);
  });
});
