/** The saved login (login-file.ts): its 0600 file, which token goes to which server, and the hint for a dead token. */
import { ApiError } from '@flotilla/api-client';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExpiresInDays } from './commands/tokens.js';
import { loginHint, readLoginFile, removeLoginFile, tokenForServer, writeLoginFile } from './login-file.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe('the saved login', () => {
  it('is written mode 0600 with the server URL, read back, and removed', () => {
    const home = mkdtempSync(join(tmpdir(), 'flotilla-login-file-'));
    homes.push(home);
    expect(readLoginFile(home)).toBeNull();
    writeLoginFile(home, { server: 'https://flotilla.example.com/', token: 'flt_x' });
    expect(statSync(join(home, 'login.json')).mode & 0o777).toBe(0o600);
    expect(readLoginFile(home)).toEqual({ server: 'https://flotilla.example.com', token: 'flt_x' });
    expect(removeLoginFile(home)).toBe(true);
    expect(removeLoginFile(home)).toBe(false);
  });

  it('sends FLOTILLA_API_TOKEN first, else the login of that very server, else the running flotilla up\'s token', () => {
    const login = { server: 'https://a.example.com', token: 'flt_login' };
    expect(tokenForServer('https://a.example.com/', null, login, { FLOTILLA_API_TOKEN: 'env' })).toBe('env');
    expect(tokenForServer('https://a.example.com/', null, login, {})).toBe('flt_login');
    expect(tokenForServer('https://b.example.com', null, login, {})).toBeNull();
    expect(tokenForServer('http://127.0.0.1:8787', { url: 'http://127.0.0.1:8787', apiToken: 'up' }, login, {})).toBe('up');
  });

  it('tells to log in again only for a dead personal token', () => {
    expect(loginHint(new ApiError('unauthorized', 'this API token was revoked'))).toBe(': run flotilla login again');
    expect(loginHint(new ApiError('unauthorized', 'this API token expired on 2026-01-01T00:00:00.000Z'))).toBe(': run flotilla login again');
    expect(loginHint(new ApiError('unauthorized', 'this control plane requires its API token'))).toBe('');
    expect(loginHint(new Error('this API token was revoked'))).toBe('');
  });

  it('reads --expires-in-days: days, never, or refuses', () => {
    expect(parseExpiresInDays(undefined)).toBeUndefined();
    expect(parseExpiresInDays('never')).toBeNull();
    expect(parseExpiresInDays('30')).toBe(30);
    expect(() => parseExpiresInDays('0')).toThrow(/positive/);
    expect(() => parseExpiresInDays('soon')).toThrow(/positive/);
  });
});
