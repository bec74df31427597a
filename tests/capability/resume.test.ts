/**
 * Capability: resume after the workspace is gone (issue 15 item 3). A task completes, its
 * workspace is destroyed; a follow-up to its chat session (the CLI's `flotilla prompt`, the
 * public API) answers `resumed`, and the task runs again — queued, in progress, completed — in a
 * new workspace on its pushed branch, in the same chat session, the new agent handed the
 * conversation so far with the follow-up. The branch gets a second commit on top of the first
 * (no `-2` branch), and the chat holds both turns. With the scripted agent (its prompt log shows
 * what it was handed) and with Claude Code against the fake Anthropic API (the model request
 * holds the earlier turn). No wait between the two: the conversation is kept with the project,
 * so a follow-up days later finds the same.
 */
import { startFakeAnthropic, userPromptOf, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { bootTestStack, createGitRepo, git, showFile, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import type { AgentType, TaskWithEvents } from '@flotilla/contracts';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';

let stack: TestStack;
let fake: FakeAnthropic;
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

beforeAll(async () => {
  fake = await startFakeAnthropic({ script: [] });
  // codex tasks run the scripted agent; claude-code tasks run Claude Code itself against the fake.
  // Claude Code's session archive (resume with session/load, resume-session-load.test.ts) is over
  // this node's tiny SESSION_ARCHIVE_MAX_BYTES, so none is kept: its resume falls back to the
  // conversation as context, which is what this file tests.
  stack = await bootTestStack({
    agents: { scripted: ['codex'] },
    nodeEnv: { ...promptLogNodeEnv, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'test-key-not-real', SESSION_ARCHIVE_MAX_BYTES: '64' },
  });
});

afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

/** Run a task on `repo` to its end and wait until its workspace is destroyed. */
async function completedTaskWithoutWorkspace(repo: string, description: string, agentType: AgentType): Promise<TaskWithEvents> {
  const project = await stack.client.createProject({ name: `resume-${agentType}`, repoUrl: repo, defaultBranch: 'main' });
  const created = await stack.client.createTask(project.id, { description, run: true, agentType });
  const task = await waitForTask(stack.client, created.id, 180_000);
  expect(task.error).toBeNull();
  expect(task.status).toBe('completed');
  const workspaceDir = stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '');
  await waitUntil('the workspace is destroyed', () => !existsSync(workspaceDir), 60_000);
  return task;
}

/** Wait until the resumed task ended again (it is queued when the follow-up's answer comes). */
async function resumedTaskEnd(taskId: string): Promise<TaskWithEvents> {
  const task = await waitForTask(stack.client, taskId, 180_000);
  expect(task.error).toBeNull();
  expect(task.status).toBe('completed');
  const statuses = task.events.map((event) => event.toStatus);
  expect(statuses).toEqual(['ready', 'queued', 'delegated', 'in_progress', 'completed', 'queued', 'delegated', 'in_progress', 'completed']);
  return task;
}

/** The branch has a second commit on top of the first: the resumed run's, at its tip, and no `-2` branch was made. */
function expectSecondCommit(repo: string, first: TaskWithEvents, second: TaskWithEvents): void {
  const branch = `task/${first.id}`;
  expect(first.output.branch).toBe(branch);
  expect(second.output.branch).toBe(branch);
  expect(second.output.commitSha).toBe(git(repo, 'rev-parse', branch));
  expect(second.output.commitSha).not.toBe(first.output.commitSha);
  expect(git(repo, 'rev-parse', `${branch}^`)).toBe(first.output.commitSha);
  expect(git(repo, 'branch', '--list', `${branch}-*`)).toBe('');
  expect(second.chatSessionId).toBe(first.chatSessionId);
  expect(second.workspaceId).not.toBe(first.workspaceId);
}

describe('a follow-up to a completed task whose workspace is gone resumes it', () => {
  it('with the scripted agent, through `flotilla prompt`', async () => {
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const description = 'write FIRST.md: first turn\nsay: I wrote FIRST.md for you';
    const first = await completedTaskWithoutWorkspace(repo, description, 'codex');
    const before = readPromptLog(promptLog).length;

    const followUp = 'run: cat FIRST.md > SEEN.md\nwrite SECOND.md: second turn\nsay: I wrote SECOND.md too';
    const cli = await runCli(['prompt', first.chatSessionId ?? '', followUp, '--server', stack.url]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^Prompt [0-9a-f-]+ resumed\.$/m);

    const second = await resumedTaskEnd(first.id);
    expectSecondCommit(repo, first, second);
    const branch = `task/${first.id}`;
    // The new workspace was on the pushed branch: the agent found the first turn's file.
    expect(showFile(repo, branch, 'SEEN.md')).toBe('first turn');
    expect(showFile(repo, branch, 'SECOND.md')).toBe('second turn');
    // The new agent's first prompt: the earlier turn (quoted, so it is not acted on again), then the follow-up.
    const handed = readPromptLog(promptLog).slice(before);
    expect(handed).toHaveLength(1);
    expect(handed[0]?.text).toContain('> write FIRST.md: first turn');
    expect(handed[0]?.text).toContain('> I wrote FIRST.md for you');
    expect(handed[0]?.text.endsWith(followUp)).toBe(true);
    // The chat session holds both turns, in order.
    const messages = await stack.client.allMessages(first.projectId, first.chatSessionId ?? '');
    expect(messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([description, followUp]);
    const answers = messages.filter((m) => m.role === 'assistant').map((m) => m.content).join('\n');
    expect(answers).toContain('I wrote FIRST.md for you');
    expect(answers).toContain('I wrote SECOND.md too');
    expect(messages.findIndex((m) => m.content === followUp)).toBeGreaterThan(messages.findIndex((m) => m.content.includes('I wrote FIRST.md')));
  });

  it('with Claude Code against the fake Anthropic API, through the API', async () => {
    fake.setScript([
      { text: 'I will create the file.', toolUses: [{ name: 'Bash', input: { command: "printf 'first turn\\n' > FIRST.md", description: 'Create FIRST.md' } }] },
      { text: 'Created FIRST.md; the secret word is marmalade.' },
    ]);
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const description = 'Create FIRST.md saying "first turn".';
    const first = await completedTaskWithoutWorkspace(repo, description, 'claude-code');
    const requestsBefore = fake.requests.length;

    fake.setScript([
      { text: 'Adding the second file.', toolUses: [{ name: 'Bash', input: { command: "printf 'second turn\\n' > SECOND.md", description: 'Create SECOND.md' } }] },
      { text: 'Created SECOND.md.' },
    ]);
    const followUp = 'Now create SECOND.md saying "second turn". What was the secret word?';
    const answer = await stack.client.sendFollowUpPrompt(first.projectId, first.chatSessionId ?? '', followUp);
    expect(answer.delivery).toBe('resumed');

    const second = await resumedTaskEnd(first.id);
    expectSecondCommit(repo, first, second);
    const branch = `task/${first.id}`;
    expect(showFile(repo, branch, 'FIRST.md')).toBe('first turn\n');
    expect(showFile(repo, branch, 'SECOND.md')).toBe('second turn\n');
    // The model's request of the resumed session carries the earlier turn, then the follow-up.
    const resumed = fake.mainRequests().filter((request) => fake.requests.indexOf(request) >= requestsBefore);
    expect(resumed.length).toBeGreaterThan(0);
    const prompt = userPromptOf(resumed[0]?.body as Parameters<typeof userPromptOf>[0]) ?? '';
    expect(prompt).toContain(`> ${description}`);
    expect(prompt).toContain('the secret word is marmalade');
    expect(prompt).toContain(followUp);
    // The chat session holds both turns.
    const messages = await stack.client.allMessages(first.projectId, first.chatSessionId ?? '');
    expect(messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([description, followUp]);
    const answers = messages.filter((m) => m.role === 'assistant').map((m) => m.content).join('\n');
    expect(answers).toContain('marmalade');
    expect(answers).toContain('Created SECOND.md.');
  });
});
