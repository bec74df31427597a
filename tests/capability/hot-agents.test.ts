/**
 * Capability (issue 15, item 2): hot agents on the real stack — control plane, local cloud, node
 * daemons, the scripted agent. A project keeping one hot agent gets it prepared on the node its
 * first task leaves warm; the next task runs on it (its steps say so, it skips provisioning and
 * the clone) and its agent receives exactly the task's description as its first prompt, then the
 * task completes with its branch pushed. When the base branch moved after the hot agent was
 * prepared, the task's branch starts from where it is now. Driven through the public API only.
 */
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { bootTestStack, git, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHotProject, waitForPreparedHotAgent } from './hot-agents-support.js';

let stack: TestStack;
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: promptLogNodeEnv });
});

afterAll(async () => {
  await stack?.close();
});

describe('hot agents', () => {
  it('a task on a hot agent gets its exact description as its first prompt and completes', async () => {
    const project = await createHotProject(stack, 1);
    expect(project.hotAgents).toBe(1);
    const first = await waitForTask(stack.client, (await stack.client.createTask(project.id, { description: 'say: warming up', run: true })).id);
    expect(first.status).toBe('completed');
    const hot = await waitForPreparedHotAgent(stack, project.id);
    expect(hot.nodeId).toBe(first.nodeId);

    const description = 'write HOT.md: made on a hot agent\nsay: done hot';
    const before = readPromptLog(promptLog).length;
    const created = await stack.client.createTask(project.id, { description, run: true });
    const task = await waitForTask(stack.client, created.id);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(task.nodeId).toBe(hot.nodeId);
    // Its first prompt is exactly the description; and no other prompt reached that agent first.
    const prompts = readPromptLog(promptLog).slice(before);
    expect(prompts[0]?.text).toBe(description);
    // The path says the hot agent was used, and skipped provisioning and the clone.
    const steps = await stack.client.getTaskSteps(task.id);
    expect(steps.map((s) => s.step)).toEqual(['node_selection', 'agent_session', 'running']);
    expect(steps[0]?.detail).toContain(`hot agent ${hot.id}`);
    for (const step of steps) expect(step.durationMs).toBe(Date.parse(step.endedAt) - Date.parse(step.startedAt));
    const used = (await stack.client.listHotAgents(project.id)).find((entry) => entry.id === hot.id);
    expect(used).toMatchObject({ status: 'claimed', taskId: task.id });
    // The branch is the task's, from the base branch, with the agent's change.
    const branch = `task/${task.id}`;
    expect(task.output.branch).toBe(branch);
    expect(showFile(project.repoUrl, branch, 'HOT.md')).toBe('made on a hot agent');
    expect(git(project.repoUrl, 'log', '--format=%s', `main..${branch}`).trim().split('\n')).toHaveLength(1);
    // The chat holds the description first, then the agent's words.
    const messages = await stack.client.allMessages(project.id, task.chatSessionId ?? '');
    expect(messages[0]).toMatchObject({ role: 'user', content: description });
    expect(messages.map((m) => m.content).join('\n')).toContain('done hot');
    // Used once, then replaced: a new hot agent is prepared after the task.
    const next = await waitForPreparedHotAgent(stack, project.id);
    expect(next.id).not.toBe(hot.id);
  });

  it('a task on a hot agent prepared before the base branch moved starts its branch from where the base branch is now', async () => {
    const project = await createHotProject(stack, 1);
    const first = await waitForTask(stack.client, (await stack.client.createTask(project.id, { description: 'say: warming up', run: true })).id);
    expect(first.status).toBe('completed');
    const hot = await waitForPreparedHotAgent(stack, project.id);
    // The base branch moves after the preparation.
    writeFileSync(join(project.repoUrl, 'MOVED.md'), 'main moved on');
    git(project.repoUrl, 'add', 'MOVED.md');
    git(project.repoUrl, '-c', 'user.name=Someone', '-c', 'user.email=someone@example.com', 'commit', '-q', '-m', 'main moves on');
    const mainNow = git(project.repoUrl, 'rev-parse', 'main').trim();

    const task = await waitForTask(stack.client, (await stack.client.createTask(project.id, { description: 'write AFTER.md: after the move', run: true })).id);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect((await stack.client.getTaskSteps(task.id))[0]?.detail).toContain(`hot agent ${hot.id}`);
    const branch = `task/${task.id}`;
    expect(git(project.repoUrl, 'rev-parse', `${branch}~1`).trim()).toBe(mainNow);
    expect(showFile(project.repoUrl, branch, 'MOVED.md')).toBe('main moved on');
    expect(showFile(project.repoUrl, branch, 'AFTER.md')).toBe('after the move');
    // One commit on top of main: the task's.
    expect(git(project.repoUrl, 'log', '--format=%s', `main..${branch}`).trim().split('\n')).toEqual([expect.any(String)]);
  });
});
