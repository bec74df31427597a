/**
 * Capability (issue 16 item 1, review): the patch of a completed task. The scripted agent edits,
 * renames and adds files with shell commands; `GET /api/projects/:id/tasks/:taskId/diff` then
 * serves exactly what `git diff -M main...<branch>` says of the pushed branch — and still does
 * once the workspace is gone —, and `flotilla diff <taskId>` prints the same (no colour: stdout is
 * no terminal). A node daemon with a small DIFF_PATCH_MAX_BYTES keeps whole files only and names
 * the others.
 */
import { bootTestStack, createGitRepo, git, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';
import { runTaskToEnd } from './task-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ agents: 'scripted', nodeEnv: { DIFF_PATCH_MAX_BYTES: '600' } });
});

afterAll(async () => {
  await stack?.close();
});

describe('the diff of a task', () => {
  it('is the patch git gives of the pushed branch, served after the workspace is gone, and printed by flotilla diff', async () => {
    const repo = createGitRepo({ 'README.md': '# demo\nsecond line\n', 'docs/guide.md': 'A guide long enough to be recognised as renamed.\nIt has a few lines.\nThree of them.\n' });
    const description = [
      "run: sed -i 's/second line/second line, edited by sed/' README.md",
      'run: mv docs/guide.md docs/handbook.md',
      "run: printf 'export const a = 1;\\n' > a.ts",
      'say: done',
    ].join('\n');
    const { task } = await runTaskToEnd(stack, repo, description);
    expect(task.status).toBe('completed');
    const branch = task.output.branch ?? '';
    const truth = `${git(repo, 'diff', '-M', `main...${branch}`)}\n`;
    expect(Buffer.byteLength(truth)).toBeLessThanOrEqual(600);

    await waitUntil('the workspace is gone', () => !existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '')));
    const diff = await stack.client.getTaskDiff(task.projectId, task.id);
    expect(diff).toMatchObject({ taskId: task.id, commitSha: task.output.commitSha, branch, baseBranch: 'main', truncated: false, omittedFiles: [], omittedFileCount: 0 });
    expect(diff.patch).toBe(truth);

    const printed = await runCli(['diff', task.id, '--server', stack.url]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(truth);
  });

  it('keeps whole files up to DIFF_PATCH_MAX_BYTES and names the files left out', async () => {
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const description = ["run: printf 'small\\n' > a.txt", "run: seq 1 200 > b.txt", "run: printf 'also small\\n' > c.txt", 'say: done'].join('\n');
    const { task } = await runTaskToEnd(stack, repo, description);
    expect(task.status).toBe('completed');
    const diff = await stack.client.getTaskDiff(task.projectId, task.id);
    expect(diff).toMatchObject({ truncated: true, omittedFiles: ['b.txt', 'c.txt'], omittedFileCount: 2 });
    expect(diff.patch).toBe(`${git(repo, 'diff', `main...${task.output.branch ?? ''}`, '--', 'a.txt')}\n`);

    const printed = await runCli(['diff', task.id, '--server', stack.url]);
    expect(printed.stdout).toContain('The diff was cut at the size limit; 2 files are not shown:\n  b.txt\n  c.txt\n');
  });

  it('answers 404 for a task that changed nothing, and flotilla diff says so', async () => {
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const { task } = await runTaskToEnd(stack, repo, 'say: nothing to change');
    expect(task.status).toBe('completed');
    await expect(stack.client.getTaskDiff(task.projectId, task.id)).rejects.toMatchObject({ notFound: true });
    const printed = await runCli(['diff', task.id, '--server', stack.url]);
    expect(printed.code).toBe(1);
    expect(printed.stderr).toContain('has no diff');
  });
});
