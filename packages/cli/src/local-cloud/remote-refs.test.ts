/**
 * The local cloud's `POST /git/remote-refs` through the `local` provider's `listRemoteRefs`: real
 * git repositories in temporary directories, a path that does not exist, a directory that is not
 * a repository, a file:// URL, and the parser of `git ls-remote --symref` output.
 */
import { createLocalProvider, type Provider } from '@flotilla/providers';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from './local-cloud.js';
import { parseLsRemote } from './remote-refs.js';

const SECRET = 'remote-refs-test-secret-0123456789abcdef';
let root = '';
let cloud: LocalCloud;
let provider: Provider;

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-remote-refs-'));
  cloud = await startLocalCloud({ dataDir: join(root, 'nodes'), daemonCommand: ['true'], env: { inherited: {}, extra: {}, hide: [] }, secret: SECRET });
  provider = createLocalProvider({ cloudUrl: cloud.url, secret: SECRET });
});
afterAll(async () => {
  await cloud?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('listRemoteRefs (local cloud)', () => {
  it("lists a repository's branches and HEAD's branch, by path and by file:// URL", async () => {
    const repo = join(root, 'app');
    execFileSync('git', ['init', '-q', '-b', 'trunk', repo]);
    writeFileSync(join(repo, 'README.md'), 'hi\n');
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'one');
    git(repo, 'branch', 'feature/x');
    expect(await provider.listRemoteRefs!(repo)).toEqual({ reachable: true, headBranch: 'trunk', branches: ['feature/x', 'trunk'] });
    expect(await provider.listRemoteRefs!(pathToFileURL(repo).href)).toMatchObject({ reachable: true, branches: ['feature/x', 'trunk'] });
  });

  it('says a path does not exist, and a directory is not a git repository', async () => {
    expect(await provider.listRemoteRefs!(join(root, 'nowhere'))).toEqual({ reachable: false, reason: 'does not exist' });
    const plain = mkdtempSync(join(root, 'plain-'));
    expect(await provider.listRemoteRefs!(plain)).toEqual({ reachable: false, reason: 'is not a git repository' });
  });

  it('refuses a repository that is not a path or file:// URL with 400', async () => {
    await expect(provider.listRemoteRefs!('https://example.com/r.git')).rejects.toThrow(/file:\/\/\/ URL/);
  });
});

describe('parseLsRemote', () => {
  it('reads the HEAD symref and refs/heads lines, nothing else', () => {
    const a = 'a'.repeat(40);
    expect(parseLsRemote(`ref: refs/heads/main\tHEAD\n${a}\tHEAD\n${a}\trefs/heads/main\n${a}\trefs/tags/v1\n${a}\trefs/pull/1/head\n`)).toEqual({ headBranch: 'main', branches: ['main'] });
    expect(parseLsRemote('')).toEqual({ headBranch: null, branches: [] });
  });
});
