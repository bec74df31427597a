/**
 * Cloud credentials (issue 6, item 8): the encryption (AES-256-GCM, bound to the credential's
 * identity) and the API's refusals. Saving a token Hetzner accepts runs end to end in
 * tests/capability/nodes-hetzner.test.ts. Agent credentials: agent-keys.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { api, apiWithEnv, expectJson } from '../../test/helpers.js';
import { credentialKey, maskSecret, openSecret, sealSecret } from './crypto.js';

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

describe('credential encryption', () => {
  it('round-trips a secret, with a fresh IV each time, and refuses another context or key', async () => {
    const key = await credentialKey(randomKey());
    const a = await sealSecret(key, 'hcloud-secret-token', 'local:cloud:hetzner');
    const b = await sealSecret(key, 'hcloud-secret-token', 'local:cloud:hetzner');
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain('hcloud');
    expect(await openSecret(key, a, 'local:cloud:hetzner')).toBe('hcloud-secret-token');
    await expect(openSecret(key, a, 'other-user:cloud:hetzner')).rejects.toThrow();
    await expect(openSecret(await credentialKey(randomKey()), a, 'local:cloud:hetzner')).rejects.toThrow();
    expect(maskSecret('hcloud-secret-token')).toBe('••••oken');
  });

  it('needs a 32-byte key', async () => {
    await expect(credentialKey(undefined)).rejects.toThrow(/CREDENTIALS_ENCRYPTION_KEY/);
    await expect(credentialKey(btoa('short'))).rejects.toThrow(/32 bytes/);
  });
});

describe('/api/credentials', () => {
  const put = (provider: string, body: unknown) => api(`/api/credentials/cloud/${provider}`, { method: 'PUT', body });

  it('refuses an unknown provider, a bad body and a provider that needs no credentials with 400', async () => {
    expect((await expectJson<{ error: { code: string } }>(await put('nowhere', { token: 'a-long-token' }), 400)).error.code).toBe('bad_request');
    expect((await expectJson<{ error: { message: string } }>(await put('hetzner', { token: 'x' }), 400)).error.message).toMatch(/token/);
    expect((await expectJson<{ error: { message: string } }>(await put('local', { token: 'a-long-token' }), 400)).error.message).toMatch(/needs no credentials/);
  });

  it('says what to configure (503) when no encryption key is set, lists nothing, and 404s deleting what is not there', async () => {
    const keyless = (path: string, init: Parameters<typeof apiWithEnv>[2] = {}) => apiWithEnv(path, { CREDENTIALS_ENCRYPTION_KEY: undefined }, init);
    const body = await expectJson<{ error: { code: string; message: string } }>(await keyless('/api/credentials/cloud/hetzner', { method: 'PUT', body: { token: 'a-long-token' } }), 503);
    expect(body.error).toEqual({ code: 'unavailable', message: expect.stringContaining('CREDENTIALS_ENCRYPTION_KEY') });
    expect(await expectJson(await keyless('/api/credentials'), 200)).toEqual({ credentials: [] });
    await expectJson(await keyless('/api/credentials/cloud/hetzner', { method: 'DELETE' }), 404);
  });
});
