/**
 * Cloud credentials (issue 6, item 8): the encryption (AES-256-GCM, bound to the credential's
 * identity) and the API's refusals. Saving a token Hetzner accepts runs end to end in
 * tests/capability/nodes-hetzner.test.ts.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiWithEnv, deps, expectJson } from '../../test/helpers.js';
import { agentCredentialsFor, saveAgentKey } from './agent-keys.js';
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

describe('/api/credentials/agents', () => {
  const put = (agentType: string, body: unknown) => api(`/api/credentials/agents/${agentType}`, { method: 'PUT', body });

  it('refuses an unknown agent type, an agent that takes no key and a bad body with 400', async () => {
    expect((await expectJson<{ error: { code: string } }>(await put('nobody', { apiKey: 'sk-long-enough' }), 400)).error.code).toBe('bad_request');
    expect((await expectJson<{ error: { message: string } }>(await put('claude-code', { apiKey: 'x' }), 400)).error.message).toMatch(/apiKey/);
    expect((await expectJson<{ error: { code: string } }>(await put('claude-code', 'not json'), 400)).error.code).toBe('bad_request');
    await expectJson(await api('/api/credentials/agents/nobody', { method: 'DELETE' }), 400);
  });

  it('says what to configure (503) without an encryption key, and 404s deleting what is not there', async () => {
    const keyless = { CREDENTIALS_ENCRYPTION_KEY: undefined };
    const body = await expectJson<{ error: { code: string; message: string } }>(
      await apiWithEnv('/api/credentials/agents/claude-code', keyless, { method: 'PUT', body: { apiKey: 'sk-long-enough' } }),
      503,
    );
    expect(body.error).toEqual({ code: 'unavailable', message: expect.stringContaining('CREDENTIALS_ENCRYPTION_KEY') });
    await expectJson(await apiWithEnv('/api/credentials/agents/claude-code', keyless, { method: 'DELETE' }), 404);
  });

  it('stores a key encrypted, lists it masked, and hands it back only as the agent\'s environment variable', async () => {
    const keyed = { db: env.DB, config: { ...deps().config, credentialsKey: randomKey() } };
    expect(await agentCredentialsFor(keyed, 'agent-user', 'claude-code')).toBeUndefined();
    const info = await saveAgentKey(keyed, 'agent-user', 'claude-code', 'sk-ant-secret-1234');
    expect(info).toMatchObject({ kind: 'agent', name: 'claude-code', masked: '••••1234' });
    const row = await env.DB.prepare('SELECT ciphertext, masked FROM credentials WHERE user_id = ?').bind('agent-user').first<{ ciphertext: string; masked: string }>();
    expect(row?.ciphertext).not.toContain('sk-ant');
    expect(await agentCredentialsFor(keyed, 'agent-user', 'claude-code')).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-secret-1234' });
    await expect(agentCredentialsFor({ ...keyed, config: { ...keyed.config, credentialsKey: randomKey() } }, 'agent-user', 'claude-code')).rejects.toThrow();
  });
});
