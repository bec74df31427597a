/** The agent's ACP file access, confined to the workspace (symlinks and `..` included). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathOutsideWorkspaceError, readWorkspaceTextFile, writeWorkspaceTextFile } from './workspace-fs.js';

function sandbox(): { root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'ws-fs-'));
  const root = join(base, 'ws');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  return { root, outside };
}

describe('workspace fs confinement', () => {
  it('reads and writes inside the workspace, creating parent directories', async () => {
    const { root } = sandbox();
    await writeWorkspaceTextFile(root, join(root, 'a/b/c.txt'), 'one\ntwo\nthree');
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('one\ntwo\nthree');
    expect(await readWorkspaceTextFile(root, join(root, 'a/b/c.txt'))).toBe('one\ntwo\nthree');
    expect(await readWorkspaceTextFile(root, 'a/b/c.txt', 2, 1)).toBe('two');
  });

  it('refuses paths outside, by .. or absolute', async () => {
    const { root, outside } = sandbox();
    await expect(writeWorkspaceTextFile(root, join(root, '../outside/x.txt'), 'x')).rejects.toBeInstanceOf(
      PathOutsideWorkspaceError,
    );
    await expect(writeWorkspaceTextFile(root, join(outside, 'y.txt'), 'x')).rejects.toBeInstanceOf(
      PathOutsideWorkspaceError,
    );
    await expect(readWorkspaceTextFile(root, '/etc/hostname')).rejects.toBeInstanceOf(PathOutsideWorkspaceError);
    expect(existsSync(join(outside, 'x.txt'))).toBe(false);
  });

  it('follows symlinks: a link pointing outside is refused, also when dangling', async () => {
    const { root, outside } = sandbox();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'not-there.txt'), join(root, 'dangling'));
    await expect(readWorkspaceTextFile(root, join(root, 'escape/secret.txt'))).rejects.toBeInstanceOf(
      PathOutsideWorkspaceError,
    );
    await expect(writeWorkspaceTextFile(root, join(root, 'escape/new.txt'), 'x')).rejects.toBeInstanceOf(
      PathOutsideWorkspaceError,
    );
    await expect(writeWorkspaceTextFile(root, join(root, 'dangling'), 'x')).rejects.toBeInstanceOf(
      PathOutsideWorkspaceError,
    );
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(join(outside, 'not-there.txt'))).toBe(false);
  });

  it('allows a symlink that stays inside', async () => {
    const { root } = sandbox();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    await writeWorkspaceTextFile(root, join(root, 'alias/f.txt'), 'ok');
    expect(readFileSync(join(root, 'real/f.txt'), 'utf8')).toBe('ok');
  });
});
