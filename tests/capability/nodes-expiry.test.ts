/**
 * Capability (issue 6): nodes that go away on their own, on the real stack with the local
 * provider. A warm timeout of a few seconds destroys the node and its process; the node sweep
 * destroys a warm node whose alarm was lost; the maximum lifetime is enforced on nodes that run
 * no task and spares a node running one. Driven through the public API (`POST /api/nodes/sweep`
 * is the local trigger of the 15-minute cron); processes are checked by pid and local cloud.
 */
import { bootTestStack, processAlive, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterEach, describe, expect, it } from 'vitest';
import { createProjectOnFreshRepo, fetchNode, localCloudNode, runScriptedTask, sweepNodesNow, waitForNodeStatus } from './nodes-support.js';

let stack: TestStack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Boot a stack, run one scripted task to completion, and answer its (now warm or gone) node. */
async function nodeOfACompletedTask(vars: Record<string, string>) {
  stack = await bootTestStack({ vars });
  const project = await createProjectOnFreshRepo(stack);
  const task = await runScriptedTask(stack, project.id, 'write DONE.md: done\nsay: done');
  expect(task.status).toBe('completed');
  return { stack, project, nodeId: task.nodeId ?? '' };
}

async function waitUntilGone(pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still alive after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('nodes that go away', () => {
  it('a warm timeout of a few seconds destroys the node, and its process is gone', async () => {
    const { stack, nodeId } = await nodeOfACompletedTask({ NODE_WARM_TIMEOUT_MS: '4000' });
    const warm = await waitForNodeStatus(stack, nodeId, 'warm', 3_000);
    const pid = localCloudNode(stack, nodeId)?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    expect(processAlive(pid)).toBe(true);
    expect(Date.parse(warm.warmUntil ?? '') - Date.parse(warm.warmSince ?? '')).toBe(4_000);

    const destroyed = await waitForNodeStatus(stack, nodeId, 'destroyed', 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(warm.warmUntil ?? ''));
    expect(destroyed).toMatchObject({ warmSince: null, warmUntil: null });
    expect(localCloudNode(stack, nodeId)).toBeNull();
    await waitUntilGone(pid);
  });

  it('the node sweep destroys a warm node whose alarm was lost', async () => {
    // Warm for an hour, then the control plane comes back believing warm nodes last one second:
    // the node's alarm (an hour away) is as good as lost, and only the sweep can catch it.
    const { stack, nodeId } = await nodeOfACompletedTask({ NODE_WARM_TIMEOUT_MS: '3600000' });
    await waitForNodeStatus(stack, nodeId, 'warm');
    const pid = localCloudNode(stack, nodeId)?.pid ?? 0;
    await stack.startControlPlane({ NODE_WARM_TIMEOUT_MS: '1000', NODE_WARM_SWEEP_GRACE_MS: '0' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await fetchNode(stack, nodeId)).status).toBe('warm'); // no alarm did it

    const first = await sweepNodesNow(stack);
    expect(first).toEqual({ destroyed: [{ nodeId, reason: 'warm_timeout' }], failed: [], dnsRecordsDeleted: [] });
    expect((await fetchNode(stack, nodeId)).status).toBe('destroyed');
    expect(localCloudNode(stack, nodeId)).toBeNull();
    await waitUntilGone(pid);
    // Idempotent: a second sweep finds nothing to do.
    expect(await sweepNodesNow(stack)).toEqual({ destroyed: [], failed: [], dnsRecordsDeleted: [] });
  });

  it('the maximum lifetime destroys a node that runs no task and spares one running a task', async () => {
    const { stack, project, nodeId: idleNodeId } = await nodeOfACompletedTask({ MAX_AUTO_NODE_LIFETIME_MS: '1' });
    await waitForNodeStatus(stack, idleNodeId, 'warm');
    const idlePid = localCloudNode(stack, idleNodeId)?.pid ?? 0;
    // A second task claims the warm node... so start one on a larger node: it gets a new node
    // and keeps it busy while the sweep runs.
    const busy = await stack.client.createTask(project.id, { description: 'say: working\nsleep: 6000\nsay: finished', run: true, vmSize: 'medium' });
    const busyNodeId = await waitForRunning(stack, busy.id);

    const swept = await sweepNodesNow(stack);
    expect(swept).toEqual({ destroyed: [{ nodeId: idleNodeId, reason: 'max_lifetime' }], failed: [], dnsRecordsDeleted: [] });
    expect((await fetchNode(stack, idleNodeId)).status).toBe('destroyed');
    await waitUntilGone(idlePid);
    expect((await fetchNode(stack, busyNodeId)).status).toBe('ready');
    const done = await waitForTask(stack.client, busy.id, 120_000);
    expect(done.status).toBe('completed');
  });
});

/** Wait until the task's agent is running (status in_progress), and answer its node id. */
async function waitForRunning(stack: TestStack, taskId: string): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const task = await stack.client.getTask(taskId);
    if (task.status === 'in_progress' && task.nodeId) return task.nodeId;
    if (Date.now() > deadline || ['completed', 'failed', 'cancelled'].includes(task.status)) {
      throw new Error(`task ${taskId} is ${task.status} at ${task.executionStep ?? '-'}, not running`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
