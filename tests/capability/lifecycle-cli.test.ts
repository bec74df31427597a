/**
 * Capability (issue 4, CLI): `flotilla tasks`, `logs [--follow]`, `cancel`, `retry` and `prompt`
 * as a user types them, against a running stack (`--server`), with the scripted agent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import type { Task } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';


/** `flotilla <args> --server <this stack>`. */
const flotilla = (...args: string[]) => runCli([...args, '--server', stack.url]);

let stack: TestStack;
/** Where the test puts the file the agent awaits before it ends its first turn (visible inside its sandbox). */
const signalDir = mkdtempSync(join(tmpdir(), 'flotilla-signal-'));

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: { FLOTILLA_SANDBOX_WRITE: signalDir } });
});

afterAll(async () => {
  await stack?.close();
  rmSync(signalDir, { recursive: true, force: true });
});

async function waitUntilRunning(taskId: string): Promise<Task> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const task = await stack.client.getTask(taskId);
    if (task.status === 'in_progress' && task.executionStep === 'running') return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} is ${task.status} at ${task.executionStep ?? '-'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('flotilla task commands', () => {
  it('prompt reaches the running agent; logs --follow shows it and the answer, exit 0', async () => {
    const project = await stack.client.createProject({ name: 'cli-lifecycle', repoUrl: createGitRepo(), defaultBranch: 'main' });
    // The first turn lasts until the follow-up is queued behind it (an event, not a time).
    const firstTurnOver = join(signalDir, 'first-turn-over');
    const created = await stack.client.createTask(project.id, { description: `say: started\nrun: true\nawait: ${firstTurnOver}\nsay: first turn over`, run: true });
    await waitUntilRunning(created.id);

    const listed = await flotilla('tasks', '--status', 'in_progress');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(created.id);
    expect(listed.stdout).toContain('in_progress (running)');

    const prompted = await flotilla('prompt', created.chatSessionId ?? '', 'say: answer from the follow-up');
    expect(prompted.stderr).toBe('');
    expect(prompted.code).toBe(0);
    expect(prompted.stdout).toMatch(/^Prompt \S+ queued\./);
    writeFileSync(firstTurnOver, '');

    const logs = await flotilla('logs', created.id, '--follow');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('› you\n  say: answer from the follow-up');
    expect(logs.stdout).toContain('answer from the follow-up');
    expect(logs.stdout).toContain(`Task ${created.id} completed`);
    expect(logs.stdout).toMatch(/in_progress → completed/);
  });

  it('cancel stops a running task (twice: refused, exit 1); retry starts it again; tasks --status filters', async () => {
    const project = await stack.client.createProject({ name: 'cli-cancel', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, { description: 'say: long\nsleep: 120000', run: true });
    await waitUntilRunning(created.id);

    const cancelled = await flotilla('cancel', created.id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`Task ${created.id} cancelled (was in_progress)`);
    const again = await flotilla('cancel', created.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/cannot go from cancelled to cancelled/);

    const listed = await flotilla('tasks', '--status', 'cancelled', '--json');
    expect((JSON.parse(listed.stdout) as Task[]).map((t) => t.id)).toContain(created.id);

    const retried = await flotilla('retry', created.id);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Task ${created.id} queued`);
    await waitUntilRunning(created.id);
    expect((await flotilla('cancel', created.id)).code).toBe(0);
    const final = await waitForTask(stack.client, created.id);
    expect(final.status).toBe('cancelled');

    const logs = await flotilla('logs', created.id);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/cancelled → ready by user: retry/);
    expect(logs.stdout).toContain('Retrying in a fresh workspace: the previous run was cancelled');
  });
});
