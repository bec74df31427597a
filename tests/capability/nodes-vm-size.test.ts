/**
 * Capability (issue 6, item 5): VM size precedence, task > project > platform default (small),
 * on the real stack with the local provider. The size a task asks for is the size of the node
 * it runs on, recorded on the node with the provider's machine type for it.
 */
import { bootTestStack, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectOnFreshRepo, fetchNode, runScriptedTask } from './nodes-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('VM size precedence', () => {
  it('no size anywhere: the platform default, small', async () => {
    const project = await createProjectOnFreshRepo(stack);
    expect(project.defaultVmSize).toBeNull();
    const task = await runScriptedTask(stack, project.id, 'say: hello');
    expect(task).toMatchObject({ status: 'completed', vmSize: null });
    expect(await fetchNode(stack, task.nodeId ?? '')).toMatchObject({ size: 'small', machineType: 'local-small' });
  });

  it("the project's default size when the task has none", async () => {
    const project = await createProjectOnFreshRepo(stack, { defaultVmSize: 'medium' });
    const task = await runScriptedTask(stack, project.id, 'say: hello');
    expect(task.status).toBe('completed');
    expect(await fetchNode(stack, task.nodeId ?? '')).toMatchObject({ size: 'medium', machineType: 'local-medium' });
  });

  it("the task's own size over the project's", async () => {
    const project = await createProjectOnFreshRepo(stack, { defaultVmSize: 'medium' });
    const task = await runScriptedTask(stack, project.id, 'say: hello', { vmSize: 'large' });
    expect(task).toMatchObject({ status: 'completed', vmSize: 'large' });
    expect(await fetchNode(stack, task.nodeId ?? '')).toMatchObject({ size: 'large', machineType: 'local-large' });
  });

  it('a project default changed with PATCH applies to its next task', async () => {
    const project = await createProjectOnFreshRepo(stack);
    const patched = await fetch(`${stack.url}/api/projects/${project.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ defaultVmSize: 'large' }) });
    expect(patched.status).toBe(200);
    const task = await runScriptedTask(stack, project.id, 'say: hello');
    expect(task.status).toBe('completed');
    expect((await fetchNode(stack, task.nodeId ?? '')).size).toBe('large');
  });
});
