/**
 * Capability: warm agents (issue 15) — a node keeps an agent spawned and past ACP `initialize`
 * ahead of its next task, so that task does not wait for its agent to load. On the real stack
 * (wrangler dev, D1, the local cloud's node daemons, bubblewrap) with the scripted agent, through
 * the public API; the prompt log says which agent process got each prompt and when it started:
 * - a new local node is the local cloud's standby daemon (started with the stack, before the task),
 *   and starts the task's agent as its daemon announces itself: the node's log says the
 *   workspace was its warm agent's shell (prepared before the run's `workspace_creation` began)
 *   and the agent was kept; that agent gets the task's exact description, its session
 *   was opened in the finished checkout on the task's branch, and the task completes with its change;
 * - a node the task left warm keeps a warm agent: the next task on it (another project) gets an
 *   agent that was running before that task was created — exact description, its own branch, its
 *   project's checkout, nothing the previous task's agent left in its HOME, completed;
 * - a task of another agent type on that node does not use it: its agent starts after it was created,
 *   and the node still keeps its warm agent;
 * - `GET /api/nodes` shows a node's warm agent (`warmAgent`, its agent type).
 */
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { bootTestStack, createGitRepo, showFile, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { taskBranchName } from '@flotilla/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: promptLogNodeEnv });
});

afterAll(async () => {
  await stack?.close();
});

/** The structured log lines of node `nodeId`'s daemon. */
function daemonLog(nodeId: string): Array<Record<string, unknown>> {
  return readFileSync(join(stack.home, 'nodes', nodeId, 'daemon.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The prompts the agent in `workspaceDir` received (its cwd). */
function promptsOf(workspaceDir: string) {
  return readPromptLog(promptLog).filter((prompt) => prompt.cwd === workspaceDir);
}

describe('warm agents', () => {
  let nodeId = '';

  it("a new local node — the local cloud's standby daemon — starts the task's agent with its daemon: its shell becomes the workspace and the agent gets the exact description", async () => {
    const project = await stack.client.createProject({ name: 'warm-a', repoUrl: createGitRepo(), defaultBranch: 'main' });
    // It also plants a file in its HOME, which the next task's agent must not find.
    const description = 'write WARM_A.md: from a warm agent\nrun: echo canary > "$HOME/planted" && cp "$HOME/planted" PLANTED.md';
    const standbyPid = stack.stack.localCloud.standbyPid();
    expect(standbyPid).not.toBeNull();
    const created = await stack.client.createTask(project.id, { description, run: true });
    const task = await waitForTask(stack.client, created.id, 180_000);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect([...(task.output.filesChanged ?? [])].sort()).toEqual(['PLANTED.md', 'WARM_A.md']);
    nodeId = task.nodeId ?? '';
    // The node's daemon is the process the local cloud started ahead of it (local-cloud standby-daemon.ts).
    expect(stack.stack.localCloud.nodes().find((node) => node.nodeId === nodeId)?.pid).toBe(standbyPid);
    const workspaceDir = stack.workspaceDir(nodeId, task.workspaceId ?? '');
    const prompts = promptsOf(workspaceDir);
    expect(prompts.map((prompt) => prompt.text)).toEqual([description]);
    // The node's own record: the workspace was its warm agent's shell, and the agent was kept.
    const taken = daemonLog(nodeId).filter((entry) => entry.msg === 'warm agent taken' && entry.workspaceId === task.workspaceId);
    expect(taken).toEqual([expect.objectContaining({ agentKept: true, taskId: task.id })]);
    const warmAgentStart = daemonLog(nodeId).find((entry) => entry.msg === 'warm agent preparing' && entry.workspaceId === task.workspaceId);
    const creation = (await stack.client.getTaskSteps(task.id)).find((step) => step.step === 'workspace_creation');
    expect(Date.parse(String(warmAgentStart?.ts))).toBeLessThan(Date.parse(creation?.startedAt ?? ''));
    expect(prompts[0]?.headAtSessionNew).toBe(`ref: refs/heads/${taskBranchName(task.id)}`);
    expect(showFile(project.repoUrl, taskBranchName(task.id), 'WARM_A.md')).toContain('from a warm agent');
  });

  /** On the warm node, once its warm agent is past `initialize` (its daemon's log says so): a task of `agentType` in a new project; when it was posted, and what its agent got. */
  async function runOnWarmNode(name: string, description: string, agentType?: 'codex') {
    await waitUntil('the node is warm', async () => (await stack.client.listNodes()).find((node) => node.id === nodeId)?.status === 'warm', 60_000);
    await waitUntil('its warm agent is past initialize', () => {
      const log = daemonLog(nodeId);
      const preparing = log.filter((entry) => entry.msg === 'warm agent preparing').at(-1);
      return log.some((entry) => entry.msg === 'agent initialized' && entry.workspaceId === preparing?.workspaceId);
    }, 60_000);
    // The API shows it (the nodes page says "Warm agent: Claude Code").
    expect((await stack.client.listNodes()).find((node) => node.id === nodeId)?.warmAgent).toBe('claude-code');
    const project = await stack.client.createProject({ name, repoUrl: createGitRepo(), defaultBranch: 'main' });
    const postedAt = Date.now();
    const created = await stack.client.createTask(project.id, { description, run: true, ...(agentType ? { agentType } : {}) });
    const task = await waitForTask(stack.client, created.id, 180_000);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(task.nodeId).toBe(nodeId);
    const prompts = promptsOf(stack.workspaceDir(nodeId, task.workspaceId ?? ''));
    expect(prompts.map((prompt) => prompt.text)).toEqual([description]);
    return { project, task, postedAt, prompts };
  }

  it('a node the task left warm keeps a warm agent: the next task gets an agent that was up before the task existed', async () => {
    const description = 'write WARM_B.md: the next task\nrun: if [ -e "$HOME/planted" ]; then echo found > LEAK.md; fi';
    const { project, task, postedAt, prompts } = await runOnWarmNode('warm-b', description);
    expect(Date.parse(prompts[0]?.agentStartedAt ?? '')).toBeLessThan(postedAt);
    // The shell became this project's workspace: its checkout, its branch, nothing of the first task's (no LEAK.md).
    expect(prompts[0]?.headAtSessionNew).toBe(`ref: refs/heads/${taskBranchName(task.id)}`);
    expect(task.output.filesChanged).toEqual(['WARM_B.md']);
    expect(showFile(project.repoUrl, taskBranchName(task.id), 'WARM_B.md')).toContain('the next task');
  });

  it('a task of another agent type on that node starts its own agent', async () => {
    const { postedAt, prompts } = await runOnWarmNode('warm-c', 'write WARM_C.md: another agent type', 'codex');
    expect(Date.parse(prompts[0]?.agentStartedAt ?? '')).toBeGreaterThan(postedAt);
    // The Claude Code warm agent was not taken: the node still keeps it.
    await waitUntil('the node is warm again', async () => (await stack.client.listNodes()).find((node) => node.id === nodeId)?.status === 'warm', 60_000);
    expect((await stack.client.listNodes()).find((node) => node.id === nodeId)?.warmAgent).toBe('claude-code');
  });
});
