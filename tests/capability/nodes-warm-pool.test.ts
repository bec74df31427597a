/**
 * Capability (issue 6): the warm pool on the real stack with the local provider. A task
 * completes → its node goes warm → the next task claims it and runs there without provisioning;
 * twenty tasks started at once against one warm node → exactly one claims it, the others get
 * new nodes, all complete. Driven only through the public API; node processes are checked
 * through the local cloud.
 */
import { bootTestStack, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectOnFreshRepo, fetchNode, localCloudNode, localCloudNodeIds, runScriptedTask, waitForNodeStatus } from './nodes-support.js';

let stack: TestStack;

beforeAll(async () => {
  // The default warm timeout (30 min) is far longer than this file runs.
  stack = await bootTestStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('the warm pool', () => {
  let warmNodeId = '';

  it('a completed task leaves its node warm, and the next task runs on it with no provisioning', async () => {
    const project = await createProjectOnFreshRepo(stack);
    const first = await runScriptedTask(stack, project.id, 'write FIRST.md: one\nsay: first done');
    expect(first.status).toBe('completed');
    const nodeId = first.nodeId ?? '';
    const warm = await waitForNodeStatus(stack, nodeId, 'warm');
    expect(warm).toMatchObject({ provider: 'local', size: 'small', machineType: 'local-small', autoProvisioned: true, workspaceIds: [] });
    expect(Date.parse(warm.warmUntil ?? '') - Date.parse(warm.warmSince ?? '')).toBe(30 * 60 * 1000);
    const process = localCloudNode(stack, nodeId);
    expect(process?.status).toBe('running');

    const second = await runScriptedTask(stack, project.id, 'write SECOND.md: two\nsay: second done');
    expect(second.status).toBe('completed');
    expect(second.output.branch).toBe(`task/${second.id}`);
    expect(second.nodeId).toBe(nodeId);
    // No provisioning: the local cloud started no other node, and the same daemon process ran it.
    expect(localCloudNodeIds(stack)).toEqual([nodeId]);
    expect(localCloudNode(stack, nodeId)?.pid).toBe(process?.pid);
    warmNodeId = (await waitForNodeStatus(stack, nodeId, 'warm')).id;
  });

  it('twenty tasks started at once against one warm node: exactly one claims it, the rest provision, all complete', async () => {
    expect(warmNodeId).not.toBe('');
    const project = await createProjectOnFreshRepo(stack);
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stack.client.createTask(project.id, { description: `write TASK-${i}.md: task ${i}\nsay: task ${i} done`, run: true })),
    );
    const done = await Promise.all(created.map((task) => waitForTask(stack.client, task.id, 540_000)));
    for (const task of done) expect({ id: task.id, status: task.status, error: task.error }).toEqual({ id: task.id, status: 'completed', error: null });

    const nodeIds = done.map((task) => task.nodeId);
    expect(nodeIds.filter((id) => id === warmNodeId)).toHaveLength(1);
    // Every other task got a node of its own (NODE_MAX_WORKSPACES = 1): 19 new nodes.
    expect(new Set(nodeIds).size).toBe(20);
    expect(localCloudNodeIds(stack).sort()).toEqual([...new Set(nodeIds)].sort());
    // And all of them are warm afterwards, ready for the next tasks.
    for (const id of nodeIds) await waitForNodeStatus(stack, id ?? '', 'warm');
    expect((await fetchNode(stack, warmNodeId)).status).toBe('warm');
  }, 600_000);
});
