/**
 * The messages of the repository check (smart-http.ts, repository-check.ts): each failure a git
 * server can answer becomes one sentence naming the repository and the problem. The whole check
 * through the API is in projects.test.ts; against real git servers in
 * tests/capability/projects-repository-check.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { branchNotFoundMessage, checkRouteOf } from './repository-check.js';
import { fetchAdvertisedRefs, refusalMessage } from './smart-http.js';
import { parseUrlRewrites, rewriteUrl } from './url-rewrites.js';

const REPO = 'https://github.com/o/r';
const options = (answer: (url: string, init?: RequestInit) => Promise<Response>) => ({ timeoutMs: 1_000, maxBytes: 1_000, fetch: answer as typeof fetch });

describe('refusalMessage', () => {
  it('says a 401/403 with a stored token is the token, and without one that a token is needed', () => {
    expect(refusalMessage(REPO, 'github.com', 401, true)).toEqual({
      problem: 'repository_access_denied',
      message: 'github.com answered 401: the stored repository token for github.com is invalid or lacks access to https://github.com/o/r',
    });
    expect(refusalMessage(REPO, 'github.com', 403, false).message).toBe(
      'github.com answered 403: https://github.com/o/r is private or does not exist; save a repository token for github.com and try again',
    );
  });

  it('says a 404 does not exist and names any other status', () => {
    expect(refusalMessage(REPO, 'github.com', 404, false)).toEqual({ problem: 'repository_unreachable', message: 'The repository https://github.com/o/r does not exist (github.com answered 404)' });
    expect(refusalMessage(REPO, 'github.com', 502, true).message).toBe('The repository https://github.com/o/r cannot be read: github.com answered 502');
  });
});

describe('branchNotFoundMessage', () => {
  it('is null for a branch the repository has, else names the branch and lists (up to ten) branches', () => {
    expect(branchNotFoundMessage(REPO, 'main', { headBranch: 'main', branches: ['main'] })).toBeNull();
    expect(branchNotFoundMessage(REPO, 'main', { headBranch: 'master', branches: ['master', 'dev'] })).toBe('Branch `main` not found in https://github.com/o/r (branches: master, dev)');
    const many = Array.from({ length: 12 }, (_, i) => `b${i}`);
    expect(branchNotFoundMessage(REPO, 'main', { headBranch: null, branches: many })).toMatch(/\(branches: b0, .*, b9 and 2 more\)$/);
    expect(branchNotFoundMessage(REPO, 'main', { headBranch: null, branches: [] })).toBe('Branch `main` not found in https://github.com/o/r: the repository has no branches yet (push one first)');
  });
});

describe('checkRouteOf', () => {
  it('checks http(s) itself, paths and file:// through the local cloud, and leaves ssh remotes alone', () => {
    expect(['https://h/r', 'http://127.0.0.1:1/r.git', '/srv/r', 'file:///srv/r', 'ssh://git@h/r', 'git@github.com:o/r.git', 'git://h/r'].map(checkRouteOf)).toEqual([
      'http',
      'http',
      'local',
      'local',
      'unchecked',
      'unchecked',
      'unchecked',
    ]);
  });
});

describe('fetchAdvertisedRefs', () => {
  it('asks <url>/info/refs?service=git-upload-pack with the token as Basic auth, and user info out of the URL', async () => {
    const seen: Array<{ url: string; authorization: string | null }> = [];
    const outcome = await fetchAdvertisedRefs(
      'https://me:secret@git.example/r.git/',
      { username: 'x-access-token', token: 'tok' },
      options(async (url, init) => {
        seen.push({ url, authorization: new Headers(init?.headers).get('authorization') });
        return new Response('not found', { status: 404 });
      }),
    );
    expect(seen).toEqual([{ url: 'https://git.example/r.git/info/refs?service=git-upload-pack', authorization: `Basic ${btoa('x-access-token:tok')}` }]);
    expect(outcome).toEqual({ ok: false, problem: 'repository_unreachable', message: 'The repository https://git.example/r.git does not exist (git.example answered 404)' });
  });

  it('says a network failure and a timeout are unreachable, with the reason', async () => {
    const failed = await fetchAdvertisedRefs(REPO, undefined, options(() => Promise.reject(new TypeError('getaddrinfo ENOTFOUND github.com'))));
    expect(failed).toEqual({ ok: false, problem: 'repository_unreachable', message: 'The repository https://github.com/o/r cannot be reached: getaddrinfo ENOTFOUND github.com' });
    const slow = await fetchAdvertisedRefs(REPO, undefined, options((_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))));
    expect(slow).toMatchObject({ ok: false, message: 'The repository https://github.com/o/r cannot be reached: no answer within 1 s' });
  });

  it('refuses an advertisement larger than the limit', async () => {
    const outcome = await fetchAdvertisedRefs(REPO, undefined, options(async () => new Response('0'.repeat(2_000))));
    expect(outcome).toMatchObject({ ok: false, message: 'The repository https://github.com/o/r advertises more refs than can be read (over 1000 bytes)' });
  });
});

describe('REPOSITORY_CHECK_INSTEAD_OF', () => {
  it("rewrites as git's url.<base>.insteadOf does, the longest prefix winning", () => {
    const parsed = parseUrlRewrites('/srv/mirror/widgets.git=https://github.com/acme/widgets.git, https://mirror.example/=https://github.com/');
    expect(parsed.ok).toBe(true);
    const rewrites = parsed.ok ? parsed.value : [];
    expect(rewriteUrl('https://github.com/acme/widgets.git', rewrites)).toBe('/srv/mirror/widgets.git');
    expect(rewriteUrl('https://github.com/o/r', rewrites)).toBe('https://mirror.example/o/r');
    expect(rewriteUrl('https://gitlab.com/o/r', rewrites)).toBe('https://gitlab.com/o/r');
    expect(parseUrlRewrites(undefined)).toEqual({ ok: true, value: [] });
    expect(parseUrlRewrites('no-equals-sign')).toMatchObject({ ok: false, problem: expect.stringContaining('REPOSITORY_CHECK_INSTEAD_OF must look like') });
  });
});
