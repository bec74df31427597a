/**
 * Helpers of the hot agent capability tests (issue 15): a project that keeps hot agents, and
 * waiting — through the public API — until one is prepared on its node.
 */
import type { HotAgent, Project } from '@flotilla/contracts';
import { createGitRepo, type TestStack } from '@flotilla/testkit/stack';
import { expect } from 'vitest';

/** A project on a fresh repository keeping `hotAgents` hot agents per agent type. */
export async function createHotProject(stack: TestStack, hotAgents = 1): Promise<Project> {
  const repo = createGitRepo({ 'README.md': '# hot\n' });
  const project = await stack.client.createProject({ name: 'hot', repoUrl: repo, defaultBranch: 'main' });
  return stack.client.updateProject(project.id, { hotAgents });
}

/** Wait until the project has a `ready` hot agent that its node reports prepared (default 60 s); answers it. */
export async function waitForPreparedHotAgent(stack: TestStack, projectId: string, timeout = 60_000): Promise<HotAgent> {
  let found: HotAgent | undefined;
  await expect
    .poll(
      async () => {
        found = (await stack.client.listHotAgents(projectId)).find((hot) => hot.status === 'ready' && hot.onNode === 'ready');
        return found !== undefined;
      },
      { timeout, interval: 200 },
    )
    .toBe(true);
  if (!found) throw new Error('no prepared hot agent');
  return found;
}
