/**
 * Capability (issue 12 item 6): the task callback is durable. The node daemon stores it in its
 * SQLite before sending it and retries until the control plane takes it — there is no time limit
 * any more after which it is given up (CALLBACK_RETRY_MAX_ELAPSED_MS, made small here, still
 * bounds the other callbacks only). Real processes: wrangler, the local cloud, a node daemon, the
 * scripted agent, which waits in its turn for a file the test writes, so the turn ends while the
 * control plane is down.
 * 1. The control plane is down for longer than the old limit after the turn ended: once it is
 *    back, the callback arrives and the task completes with its branch.
 * 2. The node daemon is killed while its callback waits for the control plane: the callback is in
 *    its database; restarted, the daemon sends it and the task completes.
 */
import { bootTestStack, createGitRepo, pendingTaskCallbacks, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRISK_RETRY_ENV, waitForWorkspace, waitUntil } from './chat-support.js';

/** The old give-up time of the task callback, made small: drain (1 s) then retries for 2 s. */
const OLD_LIMIT_MS = 3_000;
/** Where the agent waits for the test's go-ahead (writable from the agent's sandbox, like a test log). */
const signals = mkdtempSync(join(tmpdir(), 'fl-signals-'));

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({
    nodeEnv: {
      ...BRISK_RETRY_ENV,
      CALLBACK_RETRY_MAX_ELAPSED_MS: '2000',
      TASK_CALLBACK_DRAIN_TIMEOUT_MS: '1000',
      FLOTILLA_SANDBOX_WRITE: signals,
    },
  });
});

afterAll(async () => {
  await stack?.close();
  rmSync(signals, { recursive: true, force: true });
});

/** A task whose agent writes `file`, then waits for `<signals>/<name>` before ending its turn. */
async function waitingTask(name: string, file: string) {
  const repo = createGitRepo({ 'README.md': `# ${name}\n` });
  const project = await stack.client.createProject({ name, repoUrl: repo, defaultBranch: 'main' });
  const description = [
    `write ${file}: written before the outage`,
    `run: touch ${signals}/${name}-waiting; while [ ! -e ${signals}/${name}-go ]; do sleep 0.1; done`,
    'say: finished',
  ].join('\n');
  const created = await stack.client.createTask(project.id, { description, run: true });
  const running = await waitForWorkspace(stack.client, created.id);
  await waitUntil(`the agent of ${name} to wait`, async () => existsSync(join(signals, `${name}-waiting`)), (waiting) => waiting, 60_000);
  return { repo, taskId: created.id, nodeId: running.nodeId ?? '', go: () => writeFileSync(join(signals, `${name}-go`), '') };
}

/** Resolves when `task`'s branch is in its repository: the turn is over and the push done, the callback is next. */
function pushed(task: { repo: string; taskId: string }): Promise<boolean> {
  return waitUntil(`the branch of ${task.taskId} to be pushed`, async () => showFile(task.repo, `task/${task.taskId}`, 'README.md') !== null, (found) => found, 120_000);
}

/**
 * Keep the control plane down for `ms` more: the length of the outage the test is about (the old
 * code gave the callback up within OLD_LIMIT_MS of the push), not a wait for something to happen.
 */
const outlast = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the task callback', () => {
  it('outlives a control-plane outage longer than the old retry limit', async () => {
    const task = await waitingTask('outage', 'OUTAGE.md');
    await stack.stopControlPlane();
    task.go();
    await pushed(task);
    await outlast(3 * OLD_LIMIT_MS);
    await stack.startControlPlane();

    const done = await waitForTask(stack.client, task.taskId, 120_000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'completed', error: null });
    expect(done.output.branch).toBe(`task/${task.taskId}`);
    expect(showFile(task.repo, `task/${task.taskId}`, 'OUTAGE.md')).toBe('written before the outage');
    await waitUntil('the daemon to forget the delivered callback', async () => pendingTaskCallbacks(stack.nodeDataDir(task.nodeId)), (pending) => pending.length === 0, 30_000);
  });

  it('is sent by a daemon restarted after a crash while it waited for the control plane', async () => {
    const task = await waitingTask('crash', 'CRASH.md');
    await stack.stopControlPlane();
    task.go();
    await pushed(task);
    await waitUntil('the callback to be stored', async () => pendingTaskCallbacks(stack.nodeDataDir(task.nodeId)), (pending) => pending.length === 1, 60_000);
    await stack.killNode(task.nodeId);
    // What the dead daemon had stored: the callback, not yet taken.
    expect(pendingTaskCallbacks(stack.nodeDataDir(task.nodeId))).toEqual([expect.objectContaining({ taskId: task.taskId, status: 'completed' })]);

    await stack.startControlPlane();
    await stack.restartNode(task.nodeId);
    const done = await waitForTask(stack.client, task.taskId, 120_000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'completed', error: null });
    expect(showFile(task.repo, `task/${task.taskId}`, 'CRASH.md')).toBe('written before the outage');
  });
});
