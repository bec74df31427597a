/**
 * Repository credentials: scoped to the repository's https origin, handed to git through its
 * environment as an Authorization header, kept per workspace in memory. (A clone and push
 * against a private host is tests/capability/git-credentials.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { GitCredentialRegistry, gitAuthEnv, httpAuthFor } from './git-credentials.js';

const credential = { username: 'x-access-token', token: 'tok-123456' };

describe('repository credentials', () => {
  it('apply to http(s) repositories only, scoped to their origin', () => {
    expect(httpAuthFor('https://github.com/acme/app.git', credential)).toEqual({ origin: 'https://github.com/', ...credential });
    expect(httpAuthFor('http://127.0.0.1:8080/repo.git', credential)?.origin).toBe('http://127.0.0.1:8080/');
    expect(httpAuthFor('/srv/git/repo.git', credential)).toBeUndefined();
    expect(httpAuthFor('git@github.com:acme/app.git', credential)).toBeUndefined();
  });

  it('reach git as an extraHeader for that origin through its environment', () => {
    const auth = httpAuthFor('https://github.com/acme/app.git', credential);
    if (!auth) throw new Error('no auth');
    expect(gitAuthEnv(auth)).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('x-access-token:tok-123456').toString('base64')}`,
    });
  });

  it('are kept per workspace until it is deleted', () => {
    const registry = new GitCredentialRegistry();
    registry.set('ws_1', 'https://github.com/acme/app.git', credential);
    registry.set('ws_2', '/srv/git/local.git', credential);
    expect(registry.get('ws_1')?.token).toBe('tok-123456');
    expect(registry.get('ws_2')).toBeUndefined();
    registry.delete('ws_1');
    expect(registry.get('ws_1')).toBeUndefined();
  });
});
