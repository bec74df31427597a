/**
 * Capability: a lean hand-off (issue 15 item 1) — a task's agent starts while its workspace is
 * checked out, and that changes none of the run's guarantees. On the real stack with the scripted
 * agent, through the public API:
 * - the agent process runs in the workspace's (still empty) directory while the checkout is under
 *   way and the task waits at `workspace_ready`;
 * - that checkout then fails: the task fails with the checkout's message and the agent process is
 *   gone; no prompt ever reached it;
 * - a task cancelled while its agent starts with the checkout: `cancelled`, the agent process gone;
 * - a task whose checkout succeeds — held up while its agent is up and waiting — gets its exact
 *   description as its first prompt, and its agent's ACP session was opened (`session/new`, sent
 *   by the node when the checkout succeeded, before the start call) in the finished checkout, on
 *   the task's branch.
 *
 * The checkout is held up by the origin itself: its `.git/HEAD` is made a named pipe, so git, which
 * reads it first, waits until the test writes into the pipe — after it has seen the agent.
 */
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { bootTestStack, createGitRepo, processAlive, processesIn, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { taskBranchName } from '@flotilla/contracts';
import { execFileSync } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
/** Every prompt the scripted agents receive, in order (testkit prompt log). */
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: promptLogNodeEnv });
});

afterAll(async () => {
  await stack?.close();
});

/** Make the origin's HEAD a named pipe: from now on git blocks on it until {@link releaseHead}. @returns its path */
async function holdUpCheckouts(repo: string): Promise<string> {
  const head = join(repo, '.git', 'HEAD');
  await rm(head);
  execFileSync('mkfifo', [head]);
  return head;
}

/**
 * Release git with `content` as the origin's HEAD — by default one that is no repository's: the
 * checkout fails. The pipe is opened while git waits on it (not at all when nothing reads it any
 * more: a cancelled run's checkout was stopped), then replaced by a file with the same content for
 * any later read.
 */
async function releaseHead(head: string, content = 'not a reference\n'): Promise<void> {
  const pipe = await open(head, constants.O_WRONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENXIO') return null;
    throw error;
  });
  await rm(head);
  await writeFile(head, content);
  await pipe?.write(content);
  await pipe?.close();
}

/** Wait until task `taskId` is `delegated` with agent processes in its (still empty) workspace directory. */
async function agentStartedWithCheckout(taskId: string): Promise<{ workspaceDir: string; agentPids: number[] }> {
  let workspaceDir = '';
  let agentPids: number[] = [];
  await waitUntil(
    'the agent runs while the checkout waits',
    async () => {
      const task = await stack.client.getTask(taskId);
      // At workspace_ready: the node took the workspace (a new node's warm agent runs in its directory even before).
      if (task.status !== 'delegated' || task.executionStep !== 'workspace_ready' || !task.nodeId || !task.workspaceId) return false;
      workspaceDir = stack.workspaceDir(task.nodeId, task.workspaceId);
      agentPids = processesIn(workspaceDir);
      return agentPids.length > 0;
    },
    120_000,
  );
  expect((await stack.client.getTask(taskId)).executionStep).toBe('workspace_ready');
  return { workspaceDir, agentPids };
}

describe('lean hand-off: the agent starts with the checkout', () => {
  it('a checkout that fails while the agent was already starting fails the task with its message and leaves no agent process', async () => {
    const repo = createGitRepo();
    const project = await stack.client.createProject({ name: 'lean-failing-checkout', repoUrl: repo, defaultBranch: 'main' });
    const head = await holdUpCheckouts(repo);

    const promptsBefore = readPromptLog(promptLog).length;
    const created = await stack.client.createTask(project.id, { description: 'say: this prompt must never arrive', run: true });
    const { workspaceDir, agentPids } = await agentStartedWithCheckout(created.id);
    await releaseHead(head);

    const failed = await waitForTask(stack.client, created.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^step workspace_ready failed: workspace \S+ could not be created: /);
    await waitUntil('the agent process is gone', () => agentPids.every((pid) => !processAlive(pid)), 30_000);
    expect(processesIn(workspaceDir)).toEqual([]);
    expect(readPromptLog(promptLog).slice(promptsBefore)).toEqual([]);
  });

  it('a task cancelled while its agent starts with the checkout is cancelled and leaves no agent process', async () => {
    const repo = createGitRepo();
    const project = await stack.client.createProject({ name: 'lean-cancel', repoUrl: repo, defaultBranch: 'main' });
    const head = await holdUpCheckouts(repo);
    const promptsBefore = readPromptLog(promptLog).length;
    const created = await stack.client.createTask(project.id, { description: 'say: cancelled before this', run: true });
    const { workspaceDir, agentPids } = await agentStartedWithCheckout(created.id);
    expect((await stack.client.cancelTask(project.id, created.id)).status).toBe('cancelled');
    await waitUntil('the agent process is gone', () => agentPids.every((pid) => !processAlive(pid)), 30_000);
    // The run's cleanup removes the workspace that was never set up, stopping its checkout.
    await waitUntil('the checkout is stopped', () => !existsSync(workspaceDir), 30_000);
    await releaseHead(head);
    expect((await stack.client.getTask(created.id)).status).toBe('cancelled');
    expect(readPromptLog(promptLog).slice(promptsBefore)).toEqual([]);
  });

  it('a checkout that succeeds: the agent opens its session in the finished checkout, gets the exact description as its first prompt, and the task completes', async () => {
    const repo = createGitRepo();
    const project = await stack.client.createProject({ name: 'lean-checkout', repoUrl: repo, defaultBranch: 'main' });
    const head = await holdUpCheckouts(repo);
    const description = 'write LEAN.md: started with the checkout';
    const promptsBefore = readPromptLog(promptLog).length;
    const created = await stack.client.createTask(project.id, { description, run: true });
    // The agent is up while the checkout waits; then the checkout succeeds.
    await agentStartedWithCheckout(created.id);
    await releaseHead(head, 'ref: refs/heads/main\n');
    const task = await waitForTask(stack.client, created.id);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(task.output.filesChanged).toEqual(['LEAN.md']);
    const prompts = readPromptLog(promptLog).slice(promptsBefore);
    expect(prompts.map((prompt) => prompt.text)).toEqual([description]);
    // session/new waited for the checkout: the repository was there, on the task's branch.
    expect(prompts[0]?.headAtSessionNew).toBe(`ref: refs/heads/${taskBranchName(task.id)}`);
  });
});
