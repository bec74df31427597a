/**
 * Capability (issue 17 item 1): what a run changed is measured on the branch it pushed. The
 * scripted agent changes files only with shell commands (sed, mv, rm, printf — no edit tool);
 * `GET /api/tasks/:id` then serves `output.diffStat` equal to what git says of the pushed branch
 * against its base (numstat and name-status, renames detected, the binary file without line
 * counts), with the base branch — and still does once the workspace is gone from its node.
 */
import { bootTestStack, createGitRepo, git, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTaskToEnd } from './task-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ agents: 'scripted' });
});

afterAll(async () => {
  await stack?.close();
});

/** The new path of a numstat path: a rename reads `docs/{guide.md => handbook.md}` or `old => new`. */
function newPathOf(path: string): string {
  const braced = /^(.*)\{(.*) => (.*)\}(.*)$/.exec(path);
  if (braced) return `${braced[1] ?? ''}${braced[3] ?? ''}${braced[4] ?? ''}`.replace('//', '/');
  return path.includes(' => ') ? (path.split(' => ')[1] ?? path) : path;
}

/** git's own view of `branch` against `main` in `repo`: path → status letter and line counts ('-' when binary). */
function gitDiffOf(repo: string, branch: string): Map<string, { status: string; oldPath?: string; added: string; deleted: string }> {
  const files = new Map<string, { status: string; oldPath?: string; added: string; deleted: string }>();
  const counts = new Map(
    git(repo, 'diff', '--numstat', '-M', `main...${branch}`)
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([added = '', deleted = '', path = '']) => [newPathOf(path), { added, deleted }] as const),
  );
  for (const line of git(repo, 'diff', '--name-status', '-M', `main...${branch}`).split('\n')) {
    const [code = '', first = '', second] = line.split('\t');
    const path = second ?? first;
    const count = counts.get(path) ?? { added: '?', deleted: '?' };
    files.set(path, { status: code[0] ?? '', ...(second ? { oldPath: first } : {}), ...count });
  }
  return files;
}

describe('the diff stat of a run', () => {
  it('counts changes made by shell commands, as git sees the pushed branch, and outlives the workspace', async () => {
    const repo = createGitRepo({
      'README.md': '# demo\nsecond line\n',
      'docs/guide.md': 'A guide long enough to be recognised as renamed.\nIt has a few lines.\nThree of them.\n',
      'obsolete.txt': 'to be removed\nby rm\n',
    });
    const description = [
      "run: sed -i 's/second line/second line, edited by sed/' README.md && printf 'third line\\n' >> README.md",
      'run: mv docs/guide.md docs/handbook.md',
      'run: rm obsolete.txt',
      "run: printf '\\000\\001\\002binary\\377' > logo.bin",
      'say: done with the shell',
    ].join('\n');
    const { task } = await runTaskToEnd(stack, repo, description);
    expect(task.status).toBe('completed');
    const branch = task.output.branch ?? '';
    expect(branch).toBe(`task/${task.id}`);

    const stat = task.output.diffStat;
    expect(stat).toMatchObject({ baseBranch: 'main', fileCount: 4, truncated: false });
    const expected = gitDiffOf(repo, branch);
    expect(stat?.files.map((file) => file.path).sort()).toEqual([...expected.keys()].sort());
    const words: Record<string, string> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed' };
    for (const file of stat?.files ?? []) {
      const truth = expected.get(file.path);
      expect(file.status).toBe(words[truth?.status ?? '']);
      expect(file.oldPath).toBe(truth?.oldPath);
      expect(file.additions).toBe(truth?.added === '-' ? null : Number(truth?.added));
      expect(file.deletions).toBe(truth?.deleted === '-' ? null : Number(truth?.deleted));
    }
    expect(stat?.files.find((file) => file.path === 'logo.bin')).toMatchObject({ status: 'added', additions: null, deletions: null });
    expect(stat?.files.find((file) => file.path === 'docs/handbook.md')).toMatchObject({ status: 'renamed', oldPath: 'docs/guide.md' });
    expect(stat?.files.find((file) => file.path === 'README.md')).toMatchObject({ status: 'modified', additions: 2, deletions: 1 });
    expect(stat?.additions).toBe(2);
    expect(stat?.deletions).toBe(3);

    // The workspace is destroyed after completion; the diff stat stays with the task.
    await waitUntil('the workspace is gone', () => !existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '')));
    expect((await stack.client.getTask(task.id)).output.diffStat).toEqual(stat);
  });

  it('a run that changed nothing has an empty diff stat, not none', async () => {
    const repo = createGitRepo();
    const { task } = await runTaskToEnd(stack, repo, 'say: nothing to do here');
    expect(task.status).toBe('completed');
    expect(task.output.diffStat).toEqual({ baseBranch: 'main', files: [], fileCount: 0, additions: 0, deletions: 0, truncated: false });
  });
});
