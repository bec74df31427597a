/**
 * Shared by the end-to-end task tests (the scripted agent's and Claude Code's): a project on a
 * repository, one task run to its end through the public API, and what it left in the chat.
 */
import type { TestStack } from '@flotilla/testkit/stack';
import { waitForTask } from '@flotilla/testkit/stack';
import { expect } from 'vitest';

/**
 * Create a project on `repo` and a task with `description` and `run: true` (agent type
 * claude-code), wait until it ends (up to 180 s), and read its chat.
 */
export async function runTaskToEnd(stack: TestStack, repo: string, description: string) {
  const project = await stack.client.createProject({ name: 'e2e', repoUrl: repo, defaultBranch: 'main' });
  const created = await stack.client.createTask(project.id, { description, run: true, agentType: 'claude-code' });
  expect(created.status).toBe('queued');
  const task = await waitForTask(stack.client, created.id, 180_000);
  const messages = await stack.client.allMessages(project.id, task.chatSessionId ?? '');
  return { project, task, messages };
}
