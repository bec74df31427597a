/**
 * `/api/session` on a control plane without an API token (these tests' default): the API is
 * open, so the session says so and there is nothing to sign in to. With a token:
 * tests/capability/api-token.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { api, expectJson } from '../../test/helpers.js';

describe('/api/session without an API token', () => {
  it('reports an open API, and signing in is a 404; the rest of the API needs nothing', async () => {
    expect(await expectJson(await api('/api/session'), 200)).toEqual({ required: false, authenticated: true });
    const signIn = await expectJson<{ error: { code: string; message: string } }>(await api('/api/session', { method: 'POST', body: { token: 'anything' } }), 404);
    expect(signIn.error.message).toBe('this control plane needs no API token');
    await expectJson(await api('/api/projects'), 200);
  });
});
