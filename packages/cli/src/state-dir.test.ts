/**
 * `.flotilla` is the user's alone: made 0700, and made 0700 again when an earlier version left it
 * open; server.json, which may hold the API token, is 0600 too.
 */
import { chmodSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeServerFile } from './server-file.js';
import { ensureStateDir } from './state-dir.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('ensureStateDir', () => {
  it('makes the state directory 0700, with its missing parents, and answers its absolute path', () => {
    const home = join(mkdtempSync(join(tmpdir(), 'flotilla-state-')), 'a/b/.flotilla');
    expect(ensureStateDir(home)).toBe(home);
    expect(modeOf(home)).toBe(0o700);
  });

  it('closes a state directory an earlier version left open (0755 or 0777)', () => {
    const home = join(mkdtempSync(join(tmpdir(), 'flotilla-state-')), '.flotilla');
    mkdirSync(home);
    chmodSync(home, 0o777);
    ensureStateDir(home);
    expect(modeOf(home)).toBe(0o700);
  });

  it('server.json is 0600', () => {
    const home = ensureStateDir(join(mkdtempSync(join(tmpdir(), 'flotilla-state-')), '.flotilla'));
    writeServerFile(home, { url: 'http://127.0.0.1:8787', apiToken: 'secret-token' });
    expect(modeOf(join(home, 'server.json'))).toBe(0o600);
  });
});
