/**
 * Capability (issue 15, item 2): two tasks never share a hot agent. Twenty tasks started at once
 * against a project keeping one prepared hot agent: exactly one of them runs on it (its steps
 * name it, the hot agent names it), every other goes the usual way, and all twenty complete.
 * Nodes take ten tasks each here (NODE_MAX_WORKSPACES=10), so the others share a few new nodes.
 */
import type { TaskWithEvents } from '@flotilla/contracts';
import { bootTestStack, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHotProject, waitForPreparedHotAgent } from './hot-agents-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ vars: { NODE_MAX_WORKSPACES: '10' } });
});

afterAll(async () => {
  await stack?.close();
});

describe('hot agents under contention', () => {
  it('20 tasks at once against 1 hot agent: exactly one uses it, all complete', async () => {
    const project = await createHotProject(stack, 1);
    const first = await waitForTask(stack.client, (await stack.client.createTask(project.id, { description: 'say: warming up', run: true })).id);
    expect(first.status).toBe('completed');
    const hot = await waitForPreparedHotAgent(stack, project.id);

    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => stack.client.createTask(project.id, { description: `say: task ${i}`, run: true })));
    const tasks: TaskWithEvents[] = await Promise.all(created.map((task) => waitForTask(stack.client, task.id, 240_000)));
    for (const task of tasks) expect({ id: task.id, status: task.status, error: task.error }).toEqual({ id: task.id, status: 'completed', error: null });

    const stepsOf = await Promise.all(tasks.map(async (task) => ({ task, steps: await stack.client.getTaskSteps(task.id) })));
    const onHot = stepsOf.filter(({ steps }) => steps.some((step) => step.detail?.includes(`hot agent ${hot.id} `)));
    expect(onHot).toHaveLength(1);
    const winner = onHot[0]?.task;
    expect(winner?.nodeId).toBe(hot.nodeId);
    const record = (await stack.client.listHotAgents(project.id)).find((entry) => entry.id === hot.id);
    expect(record).toMatchObject({ status: 'claimed', taskId: winner?.id });
    // Every other task went through the usual steps (its own workspace, its own clone).
    for (const { task, steps } of stepsOf) {
      if (task.id === winner?.id) continue;
      expect(steps.map((step) => step.step)).toContain('workspace_creation');
      expect(task.workspaceId).not.toBe(winner?.workspaceId);
    }
    // No two tasks share a workspace.
    expect(new Set(tasks.map((task) => task.workspaceId)).size).toBe(20);
  });
});
