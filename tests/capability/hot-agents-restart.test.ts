/**
 * Capability (issue 15, item 2): a hot agent's node daemon restarting leaves no stale hot agent.
 * The restarted daemon removes the prepared workspace (and its agent died with the old process);
 * the control plane, told by the daemon's ready call, marks the hot agent gone, so no task is
 * handed to it; the next task runs the usual way on that node and completes.
 */
import { bootTestStack, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHotProject, waitForPreparedHotAgent } from './hot-agents-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Workspace directories on a node. */
const workspacesOn = (nodeId: string): string[] => {
  const dir = join(stack.nodeDataDir(nodeId), 'workspaces');
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('hot agents and node daemon restarts', () => {
  it('a restarted daemon leaves no stale hot agent, and the next task still runs', async () => {
    const project = await createHotProject(stack, 1);
    const first = await waitForTask(stack.client, (await stack.client.createTask(project.id, { description: 'say: warming up', run: true })).id);
    expect(first.status).toBe('completed');
    const hot = await waitForPreparedHotAgent(stack, project.id);
    expect(workspacesOn(hot.nodeId)).toHaveLength(1);

    await stack.restartNode(hot.nodeId);

    await expect.poll(async () => (await stack.client.listHotAgents(project.id)).find((entry) => entry.id === hot.id)?.status).toBe('gone');
    await expect.poll(() => workspacesOn(hot.nodeId)).toEqual([]);

    const next = await waitForTask(stack.client, (await stack.client.createTask(project.id, { description: 'write AFTER.md: after the restart\nsay: done', run: true })).id);
    expect(next.error).toBeNull();
    expect(next.status).toBe('completed');
    const steps = await stack.client.getTaskSteps(next.id);
    expect(steps.every((step) => !step.detail?.includes(hot.id))).toBe(true);
    expect(steps.map((step) => step.step)).toContain('workspace_creation');
    const record = (await stack.client.listHotAgents(project.id)).find((entry) => entry.id === hot.id);
    expect(record).toMatchObject({ status: 'gone', taskId: null });
  });
});
