/**
 * Capability: nodes from the CLI, as a user types it. `flotilla nodes` lists a node running a
 * task (active, with its workspace) and, after the task, the same node warm with its time left;
 * `flotilla nodes destroy` is refused while the node runs a workspace and, once it is warm,
 * destroys it through its provider: the node is `destroyed` and its daemon process is gone.
 */
import { bootTestStack, processAlive, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectOnFreshRepo, fetchNode, localCloudNode, waitForNodeStatus } from './nodes-support.js';
import { runCli } from './cli-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ vars: { NODE_WARM_TIMEOUT_MS: String(30 * 60 * 1000) } });
});

afterAll(async () => {
  await stack?.close();
});

/** `flotilla <args> --server <this stack>`. */
const cli = (...args: string[]) => runCli([...args, '--server', stack.url]);

describe('flotilla nodes', () => {
  it('lists nodes, refuses to destroy one in use, and destroys a warm one through its provider', async () => {
    const project = await createProjectOnFreshRepo(stack);
    const created = await stack.client.createTask(project.id, { description: 'say: busy\nsleep: 6000', run: true });
    await waitUntil('the task running', async () => (await stack.client.getTask(created.id)).status === 'in_progress', 60_000);
    const running = await stack.client.getTask(created.id);
    const nodeId = running.nodeId ?? '';
    await waitUntil('the workspace on the node', async () => (await fetchNode(stack, nodeId)).workspaceIds.length > 0, 30_000);

    const listed = await cli('nodes');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${nodeId}\\s+active\\s+local\\s+small/local-small\\s+${running.workspaceId}\\s+http:\\/\\/127\\.0\\.0\\.1:\\d+$`, 'm'));
    const refused = await cli('nodes', 'destroy', nodeId);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`node ${nodeId} runs workspaces ${running.workspaceId}`);

    expect((await waitForTask(stack.client, created.id)).status).toBe('completed');
    await waitForNodeStatus(stack, nodeId, 'warm');
    const warm = await cli('nodes', '--json');
    expect(JSON.parse(warm.stdout)).toContainEqual(expect.objectContaining({ id: nodeId, status: 'warm', workspaceIds: [] }));
    expect((await cli('nodes')).stdout).toMatch(new RegExp(`^${nodeId}\\s+warm \\((29|30) min left\\)`, 'm'));

    const pid = localCloudNode(stack, nodeId)?.pid ?? 0;
    expect(processAlive(pid)).toBe(true);
    const destroyed = await cli('nodes', 'destroy', nodeId);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout.trim()).toBe(`Node ${nodeId} destroyed.`);
    expect((await fetchNode(stack, nodeId)).status).toBe('destroyed');
    await waitUntil('the node process gone', () => !processAlive(pid), 20_000);
    expect((await cli('nodes')).stdout).not.toContain(nodeId);
    expect((await cli('nodes', 'destroy', 'nod_nope')).stderr).toContain('node nod_nope not found');
  });
});
