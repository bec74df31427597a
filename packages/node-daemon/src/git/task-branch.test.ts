/**
 * The checkout and the task branch against a real bare origin, with git on the checkout in a real
 * bubblewrap sandbox: the mirror, the clone, commit and push, a taken name, a rejected push — and
 * a checkout whose configuration the agent rewrote (hooks, fsmonitor, a filter, origin), which
 * changes nothing of what the daemon pushes, nor where.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBareOrigin, git, showFile } from '@flotilla/testkit/daemon';
import { detectSandbox, sandboxPolicy, type Sandbox } from '../sandbox/index.js';
import { CheckoutGit } from './checkout-git.js';
import { mirrorPathFor } from './mirror.js';
import { commitAndPushTaskBranch, type TaskBranchRequest } from './task-branch.js';
import { createCheckout } from './workspace-checkout.js';

const timeouts = { cloneTimeoutMs: 30_000, commandTimeoutMs: 30_000 };
const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-git-data-'));
/** Readable by the daemon only: the sandbox hides the data directory. */
const CANARY = `canary-${process.pid}-${Date.now()}`;
/** Where planted hooks and filters write what they saw: writable from every sandbox (FLOTILLA_SANDBOX_WRITE). */
const loot = mkdtempSync(join(tmpdir(), 'flotilla-loot-'));
let checkoutGit: CheckoutGit;

beforeAll(() => {
  writeFileSync(join(dataDir, 'daemon.db'), CANARY);
  const sandbox = detectSandbox({ bwrap: 'bwrap', socat: 'socat', allowUnsandboxed: false, policy: sandboxPolicy({ dataDir, homeDir: tmpdir(), hide: [], read: [] }) });
  if (sandbox.kind !== 'bubblewrap') throw new Error('bubblewrap is needed for these tests');
  checkoutGit = new CheckoutGit({ sandbox: sandbox as Sandbox, sharedWritable: [loot] });
});

let counter = 0;
async function checkout(origin: string, branch = 'task/t1', continueBranch = false): Promise<{ path: string; mirror: string; base: string }> {
  const id = `ws_${process.pid}_${(counter += 1)}`;
  const path = join(dataDir, 'workspaces', id);
  const mirror = mirrorPathFor(dataDir, id);
  const base = await createCheckout({ repoUrl: origin, path, mirror, baseBranch: 'main', branch, continueBranch, checkoutGit, ...timeouts });
  return { path, mirror, base };
}

const request = (origin: string, ws: { path: string; mirror: string; base: string }): TaskBranchRequest => ({
  checkout: ws.path,
  mirror: ws.mirror,
  repoUrl: origin,
  branch: 'task/t1',
  base: ws.base,
  commitMessage: 'Flotilla task t1: add file',
  commandTimeoutMs: 30_000,
  pushTimeoutMs: 30_000,
  checkoutGit,
});

describe('createCheckout', () => {
  it('makes the mirror, clones the checkout from it with the branch from main, the local identity and origin the project URL', async () => {
    const origin = createBareOrigin();
    const { path, mirror, base } = await checkout(origin);
    expect(git(path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('task/t1');
    expect(base).toBe(git(origin, 'rev-parse', 'main'));
    expect(git(path, 'config', 'user.name')).toBe('Flotilla');
    expect(git(path, 'config', 'user.email')).toBe('flotilla@localhost');
    expect(git(path, 'config', 'remote.origin.url')).toBe(origin);
    // The mirror: bare, no remote kept, no hooks; its objects are not shared with the checkout.
    expect(git(mirror, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(git(mirror, 'rev-parse', 'main')).toBe(base);
    expect(() => git(mirror, 'config', '--get-regexp', '^remote\\.')).toThrow();
    expect(existsSync(join(mirror, 'hooks'))).toBe(false);
    expect(existsSync(join(path, '.git', 'objects', 'info', 'alternates'))).toBe(false);
  });

  it('fails readably on a missing base branch and leaves neither checkout nor mirror behind', async () => {
    const origin = createBareOrigin();
    const path = join(dataDir, 'workspaces', 'ws_nobase');
    const mirror = mirrorPathFor(dataDir, 'ws_nobase');
    await expect(createCheckout({ repoUrl: origin, path, mirror, baseBranch: 'nope', branch: 'task/t1', checkoutGit, ...timeouts })).rejects.toThrow(
      /base branch "nope" does not exist/,
    );
    expect(existsSync(path)).toBe(false);
    expect(existsSync(mirror)).toBe(false);
  });

  it('refuses on a node without a sandbox, saying why', async () => {
    const unsandboxed = new CheckoutGit({ sandbox: { kind: 'unavailable', reason: 'no bubblewrap here' }, sharedWritable: [] });
    const path = join(dataDir, 'workspaces', 'ws_nosandbox');
    const mirror = mirrorPathFor(dataDir, 'ws_nosandbox');
    await expect(createCheckout({ repoUrl: createBareOrigin(), path, mirror, baseBranch: 'main', branch: 'task/t1', checkoutGit: unsandboxed, ...timeouts })).rejects.toThrow(
      'no bubblewrap here',
    );
    expect(existsSync(path)).toBe(false);
    expect(existsSync(mirror)).toBe(false);
  });
});

describe('commitAndPushTaskBranch', () => {
  it('commits what changed and pushes the branch to the project URL', async () => {
    const origin = createBareOrigin();
    const ws = await checkout(origin);
    writeFileSync(join(ws.path, 'hello.txt'), 'hi');
    const result = await commitAndPushTaskBranch(request(origin, ws));
    expect(result).toMatchObject({ changed: true, pushed: true, pushError: null, filesChanged: ['hello.txt'] });
    expect(result.diffStat).toEqual({
      baseBranch: null,
      files: [{ path: 'hello.txt', status: 'added', additions: 1, deletions: 0 }],
      fileCount: 1,
      additions: 1,
      deletions: 0,
      truncated: false,
    });
    expect(result.commitSha).toBe(git(origin, 'rev-parse', 'task/t1'));
    // The patch of the same change, sent with the completion (issue 16 item 1).
    expect(result.diffPatchError).toBeNull();
    expect(result.diffPatch).toMatchObject({ truncated: false, omittedFiles: [], omittedFileCount: 0 });
    expect(result.diffPatch?.patch).toContain('+++ b/hello.txt');
    expect(result.commitSha).toBe(git(ws.path, 'rev-parse', 'HEAD'));
    expect(showFile(origin, 'task/t1', 'hello.txt')).toBe('hi');
    expect(git(origin, 'log', '-1', '--format=%s%n%an', 'task/t1')).toBe('Flotilla task t1: add file\nFlotilla');
  });

  it('reports no change when nothing changed', async () => {
    const origin = createBareOrigin();
    const ws = await checkout(origin);
    const result = await commitAndPushTaskBranch(request(origin, ws));
    expect(result).toEqual({
      changed: false,
      commitSha: null,
      filesChanged: [],
      diffStat: { baseBranch: null, files: [], fileCount: 0, additions: 0, deletions: 0, truncated: false },
      diffPatch: null,
      diffPatchError: null,
      pushed: false,
      pushedBranch: null,
      pushError: null,
      continued: false,
    });
    expect(() => git(origin, 'rev-parse', '--verify', 'task/t1')).toThrow();
  });

  it('pushes the commits the agent made itself', async () => {
    const origin = createBareOrigin();
    const ws = await checkout(origin);
    writeFileSync(join(ws.path, 'own.txt'), 'own');
    git(ws.path, 'add', 'own.txt');
    git(ws.path, '-c', 'user.name=Agent', '-c', 'user.email=agent@example.com', 'commit', '-q', '-m', 'the agent commits');
    const result = await commitAndPushTaskBranch(request(origin, ws));
    expect(result).toMatchObject({ changed: true, pushed: true, filesChanged: ['own.txt'] });
    expect(git(origin, 'log', '-1', '--format=%s', 'task/t1')).toBe('the agent commits');
  });

  it('pushes under task/t1-2, then -3, when the name is taken on the remote', async () => {
    const origin = createBareOrigin();
    const first = await checkout(origin);
    const second = await checkout(origin);
    const third = await checkout(origin);
    writeFileSync(join(first.path, 'a.txt'), 'a');
    expect((await commitAndPushTaskBranch(request(origin, first))).pushedBranch).toBe('task/t1');
    writeFileSync(join(second.path, 'b.txt'), 'b');
    const result = await commitAndPushTaskBranch(request(origin, second));
    expect(result).toMatchObject({ pushed: true, pushedBranch: 'task/t1-2' });
    expect(showFile(origin, 'task/t1-2', 'b.txt')).toBe('b');
    expect(showFile(origin, 'task/t1', 'a.txt')).toBe('a');
    writeFileSync(join(third.path, 'c.txt'), 'c');
    expect((await commitAndPushTaskBranch(request(origin, third))).pushedBranch).toBe('task/t1-3');
  });

  it('a resumed task continues its pushed branch: checked out as it is, the new commit pushed onto it, no -2', async () => {
    const origin = createBareOrigin();
    const first = await checkout(origin);
    writeFileSync(join(first.path, 'a.txt'), 'a');
    const firstPush = await commitAndPushTaskBranch(request(origin, first));
    expect(firstPush).toMatchObject({ pushedBranch: 'task/t1', continued: false });

    const resumed = await checkout(origin, 'task/t1', true);
    expect(git(resumed.path, 'rev-parse', 'HEAD')).toBe(firstPush.commitSha);
    expect(readFileSync(join(resumed.path, 'a.txt'), 'utf8')).toBe('a');
    expect(await commitAndPushTaskBranch(request(origin, resumed))).toMatchObject({ changed: false, pushed: false, continued: true });
    writeFileSync(join(resumed.path, 'b.txt'), 'b');
    const second = await commitAndPushTaskBranch(request(origin, resumed));
    expect(second).toMatchObject({ changed: true, pushed: true, pushedBranch: 'task/t1', continued: true });
    expect(git(origin, 'rev-parse', 'task/t1')).toBe(second.commitSha);
    expect(git(origin, 'rev-parse', 'task/t1^')).toBe(firstPush.commitSha);
    expect(git(origin, 'for-each-ref', '--format=%(refname)', 'refs/heads/task/')).toBe('refs/heads/task/t1');
  });

  it('fails readably when the branch to continue is not on the remote', async () => {
    const origin = createBareOrigin();
    await expect(checkout(origin, 'task/gone', true)).rejects.toThrow(/branch "task\/gone" to continue does not exist/);
  });

  it('reports a push rejected by a pre-receive hook without throwing', async () => {
    const origin = createBareOrigin();
    const ws = await checkout(origin);
    const hook = join(origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "pushes are frozen" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    writeFileSync(join(ws.path, 'mine.txt'), 'y');
    const result = await commitAndPushTaskBranch(request(origin, ws));
    expect(result.changed).toBe(true);
    expect(result.pushed).toBe(false);
    expect(result.pushError).toMatch(/pushes are frozen|pre-receive hook declined/);
    expect(result.commitSha).toBe(git(ws.path, 'rev-parse', 'HEAD'));
  });

  it('ignores what the agent configured: no hook or fsmonitor runs, a filter runs only in the sandbox, the push goes to the project URL', async () => {
    const origin = createBareOrigin();
    const attacker = createBareOrigin({ 'README.md': '# attacker\n' });
    const ws = await checkout(origin);
    const dump = (name: string) => `#!/bin/sh\nenv > ${loot}/${name}\n`;
    mkdirSync(join(ws.path, '.git', 'evil-hooks'));
    for (const hook of ['pre-commit', 'post-commit', 'pre-push', 'reference-transaction', 'post-index-change']) {
      writeFileSync(join(ws.path, '.git', 'evil-hooks', hook), dump(hook), { mode: 0o755 });
      writeFileSync(join(ws.path, '.git', 'hooks', hook), dump(`default-${hook}`), { mode: 0o755 });
    }
    writeFileSync(join(ws.path, '.git', 'fsmonitor.sh'), dump('fsmonitor'), { mode: 0o755 });
    git(ws.path, 'config', 'core.hooksPath', join(ws.path, '.git', 'evil-hooks'));
    git(ws.path, 'config', 'core.fsmonitor', join(ws.path, '.git', 'fsmonitor.sh'));
    // A clean filter that tries to smuggle a file of the daemon's into the commit.
    writeFileSync(join(ws.path, '.gitattributes'), 'stolen.txt filter=steal\n');
    git(ws.path, 'config', 'filter.steal.clean', `sh -c 'env > ${loot}/filter; cat ${dataDir}/daemon.db 2>/dev/null || echo not-visible'`);
    writeFileSync(join(ws.path, 'stolen.txt'), 'placeholder\n');
    git(ws.path, 'config', 'remote.origin.url', attacker);
    git(ws.path, 'config', `url.${attacker}.insteadOf`, origin);
    git(ws.path, 'config', 'user.name', 'Someone Else');

    const result = await commitAndPushTaskBranch(request(origin, ws));
    expect(result).toMatchObject({ changed: true, pushed: true, pushedBranch: 'task/t1' });
    expect(readdirSync(loot)).toEqual(['filter']);
    expect(showFile(origin, 'task/t1', 'stolen.txt')).toBe('not-visible\n');
    expect(git(origin, 'log', '-1', '--format=%an', 'task/t1')).toBe('Flotilla');
    expect(git(attacker, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main');
    expect(readFileSync(join(ws.mirror, 'config'), 'utf8')).not.toContain(attacker);
  });

  it('fails readably when the checkout is no repository any more', async () => {
    const origin = createBareOrigin();
    const ws = await checkout(origin);
    writeFileSync(join(ws.path, '.git', 'HEAD'), 'garbage\n');
    await expect(commitAndPushTaskBranch(request(origin, ws))).rejects.toThrow(/git add failed .*not a git repository/s);
  });
});
