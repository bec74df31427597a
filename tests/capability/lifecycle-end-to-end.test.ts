/**
 * Capability: the task lifecycle beyond the happy path (issue 4, DESIGN.md §3), through the
 * public API only, on the real stack with the scripted agent:
 * - completed with no change (said plainly, nothing pushed, workspace gone);
 * - the task branch name taken on the remote → pushed as `task/<id>-2`, recorded;
 * - push rejected by a pre-receive hook on the origin → completed with a warning, workspace kept;
 * - cancel in the middle of a turn → `cancelled` at once, the agent process gone within 5 s,
 *   workspace kept, a second cancel refused with 409;
 * - retry after a failure → a new run in a fresh workspace completes; same chat session with a
 *   system message marking the retry;
 * - a follow-up prompt during the turn reaches the agent, its answer is in the chat, its change on
 *   the branch; after the task ended a prompt is refused with 409;
 * - a node daemon killed for good → the task fails with "node lost".
 */
import { bootTestStack, createGitRepo, git, processesIn, showFile, waitForTask, waitUntil as waitUntilTrue, type TestStack } from '@flotilla/testkit/stack';
import type { Project, Task } from '@flotilla/contracts';
import { ApiError } from '@flotilla/cli';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
/** A directory the agents' sandboxes may write (FLOTILLA_SANDBOX_WRITE): what one run leaves for the next. */
const shared = mkdtempSync(join(tmpdir(), 'flotilla-lifecycle-'));
chmodSync(shared, 0o777);

beforeAll(async () => {
  stack = await bootTestStack({
    nodeEnv: { NODE_HEARTBEAT_INTERVAL_MS: '500', FLOTILLA_SANDBOX_WRITE: shared },
    vars: { NODE_HEARTBEAT_TIMEOUT_MS: '4000' },
  });
});

afterAll(async () => {
  await stack?.close();
  rmSync(shared, { recursive: true, force: true });
});

async function createProject(repo: string): Promise<Project> {
  return stack.client.createProject({ name: 'lifecycle', repoUrl: repo, defaultBranch: 'main' });
}

/** Poll until `check` holds for the task; returns that task. */
async function waitUntil(taskId: string, check: (task: Task) => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await stack.client.getTask(taskId);
    if (await check(task)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} never reached the expected state (now ${task.status} at ${task.executionStep ?? '-'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function expectConflict(call: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await call.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(409);
  expect((error as ApiError).message).toMatch(pattern);
}

describe('task lifecycle end to end', () => {
  it('completes with no change: said plainly, nothing pushed, workspace destroyed', async () => {
    const repo = createGitRepo();
    const project = await createProject(repo);
    const created = await stack.client.createTask(project.id, { description: 'say: nothing needs changing', run: true });
    const task = await waitForTask(stack.client, created.id);
    expect(task.status).toBe('completed');
    expect(task.output).toMatchObject({ branch: null, commitSha: null, filesChanged: [], warning: null });
    expect(task.output.summary).toMatch(/without changing any files/);
    expect(task.output.summary).toContain('nothing needs changing');
    expect(() => git(repo, 'rev-parse', '--verify', `task/${task.id}`)).toThrow();
    // cleanup follows the status change
    await waitUntilTrue('the workspace is gone', () => !existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '')));
  });

  it('pushes under task/<id>-2 when task/<id> already exists on the remote, and records that name', async () => {
    const repo = createGitRepo();
    const project = await createProject(repo);
    const draft = await stack.client.createTask(project.id, { description: 'write SUFFIX.md: pushed under a suffix' });
    expect(draft.status).toBe('draft');
    git(repo, 'branch', `task/${draft.id}`);
    const existingTip = git(repo, 'rev-parse', `task/${draft.id}`);
    await stack.client.runTask(project.id, draft.id);
    const task = await waitForTask(stack.client, draft.id);
    expect(task.status).toBe('completed');
    expect(task.output.branch).toBe(`task/${task.id}-2`);
    expect(task.output.commitSha).toBe(git(repo, 'rev-parse', `task/${task.id}-2`));
    expect(showFile(repo, `task/${task.id}-2`, 'SUFFIX.md')).toBe('pushed under a suffix');
    expect(git(repo, 'rev-parse', `task/${task.id}`)).toBe(existingTip);
  });

  it('a push rejected by a pre-receive hook completes the task with a warning and keeps the workspace', async () => {
    const repo = createGitRepo();
    const hook = join(repo, '.git', 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "pushes are frozen today" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const project = await createProject(repo);
    const created = await stack.client.createTask(project.id, { description: 'write FROZEN.md: never pushed', run: true });
    const task = await waitForTask(stack.client, created.id);
    expect(task.status).toBe('completed');
    expect(task.output.branch).toBeNull();
    expect(task.output.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(task.output.filesChanged).toEqual(['FROZEN.md']);
    expect(task.output.warning).toMatch(/push .* failed/);
    expect(task.output.warning).toContain('pushes are frozen today');
    expect(() => git(repo, 'rev-parse', '--verify', `task/${task.id}`)).toThrow();
    const workspace = stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '');
    expect(existsSync(workspace)).toBe(true);
    expect(git(workspace, 'rev-parse', 'HEAD')).toBe(task.output.commitSha);
  });

  it('cancel in the middle of a turn: cancelled at once, the agent process gone within 5 s, workspace kept', async () => {
    const repo = createGitRepo();
    const project = await createProject(repo);
    const created = await stack.client.createTask(project.id, {
      description: 'run: echo started > agent.started\nsay: working for a long time\nsleep: 120000\nwrite NEVER.md: not written',
      run: true,
    });
    const running = await waitUntil(created.id, async (task) => {
      if (task.status !== 'in_progress' || !task.nodeId || !task.workspaceId) return false;
      return existsSync(join(stack.workspaceDir(task.nodeId, task.workspaceId), 'agent.started'));
    });
    const workspace = stack.workspaceDir(running.nodeId ?? '', running.workspaceId ?? '');
    // The agent runs in its sandbox's PID namespace: found from here by its working directory.
    expect(processesIn(workspace)).not.toEqual([]);

    const cancelledAt = Date.now();
    const answer = await stack.client.cancelTask(project.id, created.id);
    expect(answer.status).toBe('cancelled');
    while (processesIn(workspace).length > 0 && Date.now() - cancelledAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processesIn(workspace)).toEqual([]);
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);

    const task = await stack.client.getTask(created.id);
    expect(task.status).toBe('cancelled');
    expect(task.events.at(-1)).toMatchObject({ fromStatus: 'in_progress', toStatus: 'cancelled', actor: 'user' });
    expect(existsSync(workspace)).toBe(true);
    expect(existsSync(join(workspace, 'NEVER.md'))).toBe(false);
    await expectConflict(stack.client.cancelTask(project.id, created.id), /cancelled to cancelled/);
    const messages = await stack.client.allMessages(project.id, task.chatSessionId ?? '');
    expect(messages.some((m) => m.role === 'assistant' && m.content.includes('working for a long time'))).toBe(true);
    expect(messages.some((m) => m.role === 'system' && m.content.startsWith('Task cancelled. The agent is being stopped'))).toBe(true);
  });

  it('retry after a failure: a new run in a fresh workspace completes, in the same chat session', async () => {
    const repo = createGitRepo();
    const project = await createProject(repo);
    const marker = join(shared, 'first-run-done');
    // First run: leaves the marker and is killed (its parent, the agent, in its PID namespace). Second run: finds it and writes a file.
    const description = [`run: test -f ${marker} || { touch ${marker}; kill -9 $PPID; }`, 'say: second run goes on', 'write RETRIED.md: made by the retry'].join('\n');
    const created = await stack.client.createTask(project.id, { description, run: true });
    const failed = await waitForTask(stack.client, created.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/SIGKILL/);
    const firstWorkspace = stack.workspaceDir(failed.nodeId ?? '', failed.workspaceId ?? '');
    expect(existsSync(firstWorkspace)).toBe(true);
    await expectConflict(stack.client.runTask(project.id, created.id), /failed to queued/);

    const retried = await stack.client.retryTask(project.id, created.id);
    expect(retried.status).toBe('queued');
    expect(retried.error).toBeNull();
    const task = await waitForTask(stack.client, created.id);
    expect(task.status).toBe('completed');
    expect(task.workspaceId).not.toBe(failed.workspaceId);
    expect(task.chatSessionId).toBe(failed.chatSessionId);
    expect(showFile(repo, `task/${task.id}`, 'RETRIED.md')).toBe('made by the retry');
    expect(existsSync(firstWorkspace)).toBe(true);
    expect(task.events.map((e) => e.toStatus)).toEqual(['ready', 'queued', 'delegated', 'in_progress', 'failed', 'ready', 'queued', 'delegated', 'in_progress', 'completed']);
    await expectConflict(stack.client.retryTask(project.id, created.id), /completed/);

    const messages = await stack.client.allMessages(project.id, task.chatSessionId ?? '');
    const retryIndex = messages.findIndex((m) => m.role === 'system' && m.content.startsWith('Retry'));
    expect(retryIndex).toBeGreaterThan(0);
    expect(messages.filter((m) => m.role === 'user')).toHaveLength(1);
    expect(messages.slice(retryIndex).some((m) => m.role === 'assistant' && m.content.includes('second run goes on'))).toBe(true);
  });

  it('a follow-up prompt reaches the running agent and its answer is in the chat; after the end a follow-up resumes the task', async () => {
    const repo = createGitRepo();
    const project = await createProject(repo);
    // The first turn lasts until the follow-up is queued behind it (an event, not a time).
    const firstTurnOver = join(shared, 'follow-up-queued');
    const created = await stack.client.createTask(project.id, {
      // the tool call makes the translator hand over the text before it, so the chat shows it now
      description: `say: waiting for a follow-up\nrun: true\nawait: ${firstTurnOver}\nsay: initial turn done`,
      run: true,
    });
    const sessionId = created.chatSessionId ?? '';
    await waitUntil(created.id, async (task) => {
      if (task.status !== 'in_progress') return false;
      const messages = await stack.client.allMessages(project.id, sessionId);
      return messages.some((m) => m.role === 'assistant' && m.content.includes('waiting for a follow-up'));
    });
    const followUp = 'say: follow-up answered\nwrite FOLLOW_UP.md: from the follow-up';
    const answer = await stack.client.sendFollowUpPrompt(project.id, sessionId, followUp);
    expect(answer).toMatchObject({ sessionId, delivery: 'queued' });
    writeFileSync(firstTurnOver, '');

    const task = await waitForTask(stack.client, created.id);
    expect(task.status).toBe('completed');
    // the follow-up's effect is on the task branch: it ran before the task's completion
    expect(showFile(repo, `task/${task.id}`, 'FOLLOW_UP.md')).toBe('from the follow-up');
    const messages = await stack.client.allMessages(project.id, sessionId);
    const promptIndex = messages.findIndex((m) => m.role === 'user' && m.content === followUp);
    expect(promptIndex).toBeGreaterThan(0);
    expect(messages.filter((m) => m.messageId === answer.messageId)).toHaveLength(1);
    expect(messages.slice(promptIndex).some((m) => m.role === 'assistant' && m.content.includes('follow-up answered'))).toBe(true);

    // After the end the agent is gone: a follow-up resumes the task (README "Resume"), it is not lost.
    const late = await stack.client.sendFollowUpPrompt(project.id, sessionId, 'say: resumed after the end');
    expect(late).toMatchObject({ sessionId, delivery: 'resumed' });
    const resumed = await waitUntil(created.id, async (t) => t.status === 'completed' && (await stack.client.allMessages(project.id, sessionId)).some((m) => m.role === 'assistant' && m.content.includes('resumed after the end')));
    expect(resumed.output?.branch).toBe(`task/${task.id}`);
  });

  it('a node daemon killed for good fails its task with "node lost"', async () => {
    const repo = createGitRepo();
    const project = await createProject(repo);
    const created = await stack.client.createTask(project.id, { description: 'say: a long turn\nsleep: 120000', run: true });
    const running = await waitUntil(created.id, (task) => task.status === 'in_progress' && task.executionStep === 'running');
    await stack.killNode(running.nodeId ?? '');
    const task = await waitForTask(stack.client, created.id, 30_000);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/node lost/);
    expect(task.events.at(-1)).toMatchObject({ toStatus: 'failed', step: 'running', actor: 'task-runner' });
  });
});
