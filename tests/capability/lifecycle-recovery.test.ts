/**
 * Capability (issue 4, recovery): the control plane is killed (SIGKILL of its whole process
 * tree: no shutdown code runs) while a task's node is being provisioned, and started again on
 * the same state. The TaskRunner resumes from its persisted step and the task completes, with
 * the agent's change on the branch. Real processes throughout: wrangler, the local cloud, a node
 * daemon, the scripted agent.
 */
import { bootTestStack, createGitRepo, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import type { ExecutionStep } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack();
});

afterAll(async () => {
  await stack?.close();
});

/** SIGKILL the control plane's process group, then let the stack notice it is gone. */
async function killControlPlane(): Promise<void> {
  try {
    process.kill(-stack.stack.controlPlane.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await stack.stopControlPlane();
}

describe('the control plane killed during node provisioning', () => {
  it('resumes the run from its persisted step after a restart, and the task completes', async () => {
    const repo = createGitRepo();
    const project = await stack.client.createProject({ name: 'recovery', repoUrl: repo, defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, { description: 'write RECOVERED.md: made after a control-plane crash', run: true });

    // The node is being provisioned: the provider call (node_provisioning) or waiting for the new
    // node daemon to come up (node_agent_ready). Kill the control plane right there.
    const provisioning: readonly ExecutionStep[] = ['node_provisioning', 'node_agent_ready'];
    let stepAtKill: ExecutionStep | null = null;
    const deadline = Date.now() + 30_000;
    while (stepAtKill === null && Date.now() < deadline) {
      const task = await stack.client.getTask(created.id);
      if (task.executionStep && provisioning.includes(task.executionStep)) stepAtKill = task.executionStep;
      else expect(task.status).toBe('queued');
    }
    expect(stepAtKill).not.toBeNull();
    await killControlPlane();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stack.startControlPlane();

    const task = await waitForTask(stack.client, created.id, 120_000);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(showFile(repo, `task/${task.id}`, 'RECOVERED.md')).toBe('made after a control-plane crash');
    // Steps only moved forward: each status once, in order.
    expect(task.events.map((e) => e.toStatus)).toEqual(['ready', 'queued', 'delegated', 'in_progress', 'completed']);
  });
});
