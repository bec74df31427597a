/** The checkout and the task branch against a real bare origin: clone, commit, push, a taken name, a rejected push. */
import { chmodSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBareOrigin, git, showFile } from '@flotilla/testkit/daemon';
import { commitAndPushTaskBranch } from './task-branch.js';
import { createCheckout } from './workspace-checkout.js';

const timeouts = { cloneTimeoutMs: 30_000, commandTimeoutMs: 30_000 };

async function checkout(origin: string, branch = 'task/t1'): Promise<{ path: string; base: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'flotilla-ws-')), 'ws');
  const base = await createCheckout({ repoUrl: origin, path, baseBranch: 'main', branch, ...timeouts });
  return { path, base };
}

describe('createCheckout', () => {
  it('clones, creates the branch from origin/main and sets the local identity', async () => {
    const origin = createBareOrigin();
    const { path, base } = await checkout(origin);
    expect(git(path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('task/t1');
    expect(base).toBe(git(origin, 'rev-parse', 'main'));
    expect(git(path, 'config', 'user.name')).toBe('Flotilla');
    expect(git(path, 'config', 'user.email')).toBe('flotilla@localhost');
  });

  it('fails readably on a missing base branch and leaves no checkout behind', async () => {
    const origin = createBareOrigin();
    const path = join(mkdtempSync(join(tmpdir(), 'flotilla-ws-')), 'ws');
    await expect(
      createCheckout({ repoUrl: origin, path, baseBranch: 'nope', branch: 'task/t1', ...timeouts }),
    ).rejects.toThrow(/base branch "nope" does not exist/);
    expect(() => git(path, 'status')).toThrow();
  });
});

describe('commitAndPushTaskBranch', () => {
  const request = (path: string, base: string) => ({
    cwd: path,
    branch: 'task/t1',
    base,
    commitMessage: 'Flotilla task t1: add file',
    commandTimeoutMs: 30_000,
    pushTimeoutMs: 30_000,
  });

  it('commits what changed and pushes the branch', async () => {
    const origin = createBareOrigin();
    const { path, base } = await checkout(origin);
    writeFileSync(join(path, 'hello.txt'), 'hi');
    const result = await commitAndPushTaskBranch(request(path, base));
    expect(result).toMatchObject({ changed: true, pushed: true, pushError: null, filesChanged: ['hello.txt'] });
    expect(result.commitSha).toBe(git(origin, 'rev-parse', 'task/t1'));
    expect(showFile(origin, 'task/t1', 'hello.txt')).toBe('hi');
    expect(git(origin, 'log', '-1', '--format=%s%n%an', 'task/t1')).toBe('Flotilla task t1: add file\nFlotilla');
  });

  it('reports no change when nothing changed', async () => {
    const origin = createBareOrigin();
    const { path, base } = await checkout(origin);
    const result = await commitAndPushTaskBranch(request(path, base));
    expect(result).toEqual({ changed: false, commitSha: null, filesChanged: [], pushed: false, pushedBranch: null, pushError: null });
    expect(() => git(origin, 'rev-parse', '--verify', 'task/t1')).toThrow();
  });

  it('pushes under task/t1-2, then -3, when the name is taken on the remote', async () => {
    const origin = createBareOrigin();
    const first = await checkout(origin);
    const second = await checkout(origin);
    const third = await checkout(origin);
    writeFileSync(join(first.path, 'a.txt'), 'a');
    expect((await commitAndPushTaskBranch(request(first.path, first.base))).pushedBranch).toBe('task/t1');
    writeFileSync(join(second.path, 'b.txt'), 'b');
    const result = await commitAndPushTaskBranch(request(second.path, second.base));
    expect(result).toMatchObject({ pushed: true, pushedBranch: 'task/t1-2' });
    expect(showFile(origin, 'task/t1-2', 'b.txt')).toBe('b');
    expect(showFile(origin, 'task/t1', 'a.txt')).toBe('a');
    writeFileSync(join(third.path, 'c.txt'), 'c');
    expect((await commitAndPushTaskBranch(request(third.path, third.base))).pushedBranch).toBe('task/t1-3');
  });

  it('reports a push rejected by a pre-receive hook without throwing', async () => {
    const origin = createBareOrigin();
    const { path, base } = await checkout(origin);
    const hook = join(origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "pushes are frozen" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    writeFileSync(join(path, 'mine.txt'), 'y');
    const result = await commitAndPushTaskBranch(request(path, base));
    expect(result.changed).toBe(true);
    expect(result.pushed).toBe(false);
    expect(result.pushError).toMatch(/pushes are frozen|pre-receive hook declined/);
    expect(result.commitSha).toBe(git(path, 'rev-parse', 'HEAD'));
  });
});
