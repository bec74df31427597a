/**
 * Session archives on real files (issue 15 item 3): Claude Code's transcript is archived and
 * restored under the new cwd's project directory; a hostile agent's traps — the transcript a
 * symlink to a secret outside its HOME, a project directory or `.claude` itself a symlink, a FIFO —
 * never put a byte from outside HOME into an archive; an archive over the limit is not made; a
 * restore never follows a symlink planted where it writes, and refuses unsafe paths.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeCode, claudeProjectDir } from '../registry/claude-code.js';
import { collectSessionArchive, restoreSessionArchive } from './session-archive.js';

const sessionFiles = claudeCode.sessionFiles!;
const SESSION = '6f1c1c9e-8f7e-4a59-9a43-2d4b1f0c9d11';
const OLD_CWD = '/srv/flotilla/data/workspaces/ws_old';
const NEW_CWD = '/srv/flotilla/data/workspaces/ws_new';
const SECRET = 'FAKE-SECRET-do-not-archive-1234';
const MiB = 1024 * 1024;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory with a HOME in it and a secret file beside it (outside HOME). */
function scene(): { root: string; home: string; secret: string } {
  const root = mkdtempSync(join(tmpdir(), 'session-archive-'));
  dirs.push(root);
  const home = join(root, 'home');
  mkdirSync(home);
  const secret = join(root, 'secret.txt');
  writeFileSync(secret, `${SECRET}\n`);
  return { root, home, secret };
}

const transcriptDir = (home: string, cwd: string): string => join(home, '.claude', 'projects', claudeProjectDir(cwd));

function writeTranscript(home: string, cwd: string, content: string): string {
  mkdirSync(transcriptDir(home, cwd), { recursive: true });
  const path = join(transcriptDir(home, cwd), `${SESSION}.jsonl`);
  writeFileSync(path, content);
  return path;
}

async function unpack(archive: Buffer): Promise<string> {
  return (await promisify(gunzip)(archive)).toString('utf8');
}

async function collect(home: string, maxBytes = MiB, refused: string[] = []) {
  return collectSessionArchive(sessionFiles, { home, acpSessionId: SESSION, cwd: OLD_CWD, maxBytes }, (path, reason) => refused.push(`${path}: ${reason}`));
}

describe('collecting and restoring Claude Code session files', () => {
  it('archives the transcript and restores it where the agent looks for the new cwd', async () => {
    const { home, root } = scene();
    const transcript = '{"type":"user","message":"hello"}\n{"type":"assistant","message":"hi"}\n';
    writeTranscript(home, OLD_CWD, transcript);
    const collected = await collect(home);
    expect(collected.kind).toBe('archive');
    if (collected.kind !== 'archive') return;
    expect(collected.files).toBe(1);

    const newHome = join(root, 'home2');
    mkdirSync(newHome);
    const written = await restoreSessionArchive(sessionFiles, { home: newHome, acpSessionId: SESSION, cwd: NEW_CWD, archive: collected.archive.toString('base64'), maxBytes: MiB });
    expect(written).toBe(1);
    expect(readFileSync(join(transcriptDir(newHome, NEW_CWD), `${SESSION}.jsonl`), 'utf8')).toBe(transcript);
    expect(existsSync(transcriptDir(newHome, OLD_CWD))).toBe(false);
  });

  it('finds the transcript in another project directory too (the cwd it ran in need not be known)', async () => {
    const { home } = scene();
    writeTranscript(home, '/somewhere/else', '{"x":1}\n');
    const collected = await collect(home);
    expect(collected.kind).toBe('archive');
  });

  it('never archives a transcript that is a symlink to a file outside HOME', async () => {
    const { home, secret } = scene();
    mkdirSync(transcriptDir(home, OLD_CWD), { recursive: true });
    symlinkSync(secret, join(transcriptDir(home, OLD_CWD), `${SESSION}.jsonl`));
    const refused: string[] = [];
    const collected = await collect(home, MiB, refused);
    expect(collected).toEqual({ kind: 'none', reason: 'the agent left no session files' });
    expect(refused.join('\n')).toContain('symlink');
  });

  it('never archives through a project directory, or a .claude, that is a symlink', async () => {
    const { home, root } = scene();
    const outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, `${SESSION}.jsonl`), `${SECRET}\n`);
    mkdirSync(join(home, '.claude', 'projects'), { recursive: true });
    symlinkSync(outside, join(home, '.claude', 'projects', claudeProjectDir(OLD_CWD)));
    symlinkSync(outside, join(home, '.claude', 'projects', 'evil'));
    expect((await collect(home)).kind).toBe('none');

    const { home: home2, root: root2 } = scene();
    const outsideClaude = join(root2, 'claude');
    mkdirSync(join(outsideClaude, 'projects', 'p'), { recursive: true });
    writeFileSync(join(outsideClaude, 'projects', 'p', `${SESSION}.jsonl`), `${SECRET}\n`);
    symlinkSync(outsideClaude, join(home2, '.claude'));
    const refused: string[] = [];
    expect((await collect(home2, MiB, refused)).kind).toBe('none');
    expect(refused.join('\n')).toContain('symlink');
  });

  it('leaves out a FIFO (it would block a reader) and keeps the real transcript', async () => {
    const { home } = scene();
    writeTranscript(home, OLD_CWD, '{"ok":true}\n');
    mkdirSync(join(home, '.claude', 'projects', 'fifo-dir'), { recursive: true });
    execFileSync('mkfifo', [join(home, '.claude', 'projects', 'fifo-dir', `${SESSION}.jsonl`)]);
    const refused: string[] = [];
    const collected = await collect(home, MiB, refused);
    expect(collected.kind).toBe('archive');
    if (collected.kind === 'archive') expect(collected.files).toBe(1);
    expect(refused.join('\n')).toContain('not a regular file');
  });

  it('makes no archive over SESSION_ARCHIVE_MAX_BYTES', async () => {
    const { home } = scene();
    // Random bytes do not compress: the archive is larger than 4 KiB.
    writeTranscript(home, OLD_CWD, execFileSync('head', ['-c', '16384', '/dev/urandom']).toString('base64'));
    const collected = await collect(home, 4096);
    expect(collected.kind).toBe('none');
    if (collected.kind === 'none') expect(collected.reason).toMatch(/over SESSION_ARCHIVE_MAX_BYTES \(4096\)/);
    // Files larger than 16× the limit are not even read.
    const tooMuch = await collect(home, 1024);
    expect(tooMuch.kind === 'none' && tooMuch.reason).toMatch(/session files are over 16384 bytes/);
    expect((await collect(home, 0)).kind).toBe('none');
  });

  it('restores over a symlink the new agent planted without following it', async () => {
    const { home, root, secret } = scene();
    writeTranscript(home, OLD_CWD, '{"restored":true}\n');
    const collected = await collect(home);
    if (collected.kind !== 'archive') throw new Error('no archive');
    const newHome = join(root, 'home2');
    mkdirSync(transcriptDir(newHome, NEW_CWD), { recursive: true });
    const planted = join(transcriptDir(newHome, NEW_CWD), `${SESSION}.jsonl`);
    symlinkSync(secret, planted);
    await restoreSessionArchive(sessionFiles, { home: newHome, acpSessionId: SESSION, cwd: NEW_CWD, archive: collected.archive.toString('base64'), maxBytes: MiB });
    expect(readFileSync(secret, 'utf8')).toBe(`${SECRET}\n`);
    expect(() => readlinkSync(planted)).toThrow();
    expect(readFileSync(planted, 'utf8')).toBe('{"restored":true}\n');

    // A directory on the way that is a symlink: refused, nothing written outside.
    const newHome2 = join(root, 'home3');
    mkdirSync(join(newHome2, '.claude'), { recursive: true });
    const outside = join(root, 'outside-projects');
    mkdirSync(outside);
    symlinkSync(outside, join(newHome2, '.claude', 'projects'));
    await expect(restoreSessionArchive(sessionFiles, { home: newHome2, acpSessionId: SESSION, cwd: NEW_CWD, archive: collected.archive.toString('base64'), maxBytes: MiB })).rejects.toThrow(/symlink/);
    expect(execFileSync('ls', ['-A', outside]).toString()).toBe('');
  });

  it('refuses an archive with unsafe paths, or with no file of the session', async () => {
    const { home } = scene();
    const pack = async (files: Array<{ path: string; contentBase64: string }>) => (await promisify(gzip)(Buffer.from(JSON.stringify({ version: 1, files })))).toString('base64');
    const restore = async (archive: string) => restoreSessionArchive(sessionFiles, { home, acpSessionId: SESSION, cwd: NEW_CWD, archive, maxBytes: MiB });
    await expect(restore(await pack([{ path: `../.claude/projects/x/${SESSION}.jsonl`, contentBase64: 'eA==' }]))).rejects.toThrow();
    await expect(restore(await pack([{ path: `/etc/${SESSION}.jsonl`, contentBase64: 'eA==' }]))).rejects.toThrow();
    await expect(restore(await pack([{ path: '.bashrc', contentBase64: 'eA==' }]))).rejects.toThrow(/no file of session/);
    await expect(restore(await pack([{ path: `.claude/projects/x/other-session.jsonl`, contentBase64: 'eA==' }]))).rejects.toThrow(/no file of session/);
    expect(existsSync(join(home, '.bashrc'))).toBe(false);
    expect(await unpack(await promisify(gzip)(Buffer.from('ok')))).toBe('ok');
  });

  it('names the project directory as Claude Code does, with a hash past 200 characters', () => {
    expect(claudeProjectDir('/tmp/a b/ws_1')).toBe('-tmp-a-b-ws-1');
    const long = `/${'x'.repeat(250)}`;
    expect(claudeProjectDir(long)).toMatch(new RegExp(`^-${'x'.repeat(199)}-[0-9a-z]+$`));
  });
});
