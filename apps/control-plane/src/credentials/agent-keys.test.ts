/**
 * Agent credentials (issue 5, settings item 1; issue 13, item 2): `PUT /api/credentials/agents/
 * :agentType` takes `{apiKey | oauthToken, baseUrl?, model?}`, refuses what the agent cannot take
 * (400), seals the whole credential, shows only a mask of the secret with the base URL and model,
 * and `agentCredentialsFor` hands it back as the variables of the agent's model API. A key stored
 * before issue 13 (the bare key string, sealed) still opens.
 */
import type { AgentType, CredentialInfo } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiWithEnv, deps, expectJson } from '../../test/helpers.js';
import { agentCredentialsFor, saveAgentCredential } from './agent-keys.js';
import { credentialKey, sealSecret } from './crypto.js';
import { putCredential } from './repository.js';

type ErrorJson = { error: { code: string; message: string } };

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const put = (agentType: string, body: unknown) => api(`/api/credentials/agents/${agentType}`, { method: 'PUT', body });
const remove = (agentType: string) => api(`/api/credentials/agents/${agentType}`, { method: 'DELETE' });
/** Deps with an encryption key of their own, and a user of its own (a fresh one per test). */
const keyedUser = () => ({ keyed: { db: env.DB, config: { ...deps().config, credentialsKey: randomKey() } }, userId: `user-${crypto.randomUUID()}` });

describe('PUT /api/credentials/agents/:agentType', () => {
  it('refuses an unknown agent type, a bad body, both or neither of apiKey and oauthToken, and a bad base URL with 400', async () => {
    expect((await expectJson<ErrorJson>(await put('nobody', { apiKey: 'sk-long-enough' }), 400)).error.code).toBe('bad_request');
    expect((await expectJson<ErrorJson>(await put('claude-code', { apiKey: 'x' }), 400)).error.message).toMatch(/apiKey/);
    expect((await expectJson<ErrorJson>(await put('claude-code', 'not json'), 400)).error.code).toBe('bad_request');
    expect((await expectJson<ErrorJson>(await put('claude-code', { apiKey: 'sk-long-enough', oauthToken: 'tok-long-enough' }), 400)).error.message).toMatch(/exactly one/);
    expect((await expectJson<ErrorJson>(await put('opencode', { model: 'qwen3' }), 400)).error.message).toMatch(/exactly one/);
    expect((await expectJson<ErrorJson>(await put('opencode', { apiKey: 'sk-long-enough', baseUrl: 'ftp://models.example' }), 400)).error.message).toMatch(/http/);
    await expectJson(await api('/api/credentials/agents/nobody', { method: 'DELETE' }), 400);
  });

  it.each(['codex', 'gemini', 'opencode', 'qwen-code', 'cline'] as const)('refuses an OAuth token for %s with 400 (only Claude Code takes one)', async (agentType) => {
    const refused = await expectJson<ErrorJson>(await put(agentType, { oauthToken: 'oauth-token-long-enough' }), 400);
    expect(refused.error).toEqual({ code: 'bad_request', message: `the ${agentType} agent takes an API key (apiKey), not an OAuth token` });
  });

  it('refuses a model for Claude Code (it chooses its own) with 400', async () => {
    const refused = await expectJson<ErrorJson>(await put('claude-code', { apiKey: 'sk-ant-long-enough', model: 'claude-x' }), 400);
    expect(refused.error.message).toBe('the claude-code agent chooses its own model: give no model');
  });

  it('says what to configure (503) without an encryption key, and 404s deleting what is not there', async () => {
    const keyless = { CREDENTIALS_ENCRYPTION_KEY: undefined };
    const body = await expectJson<ErrorJson>(await apiWithEnv('/api/credentials/agents/claude-code', keyless, { method: 'PUT', body: { apiKey: 'sk-long-enough' } }), 503);
    expect(body.error).toEqual({ code: 'unavailable', message: expect.stringContaining('CREDENTIALS_ENCRYPTION_KEY') });
    await expectJson(await apiWithEnv('/api/credentials/agents/claude-code', keyless, { method: 'DELETE' }), 404);
  });

  it('stores an OpenAI-compatible credential with base URL and model, and shows them beside the masked key, never the key', async () => {
    const apiKey = `sk-compat-${crypto.randomUUID()}`;
    const response = await put('opencode', { apiKey, baseUrl: 'http://127.0.0.1:11434/v1/', model: 'qwen3-coder' });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(text).not.toContain(apiKey);
    const saved = JSON.parse(text) as CredentialInfo;
    // The base URL is stored without its trailing slash (contracts PutAgentCredentialRequest).
    expect(saved).toMatchObject({ kind: 'agent', name: 'opencode', masked: `••••${apiKey.slice(-4)}`, baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen3-coder' });
    const listed = await (await api('/api/credentials')).text();
    expect(listed).not.toContain(apiKey);
    expect((JSON.parse(listed) as { credentials: CredentialInfo[] }).credentials).toContainEqual(saved);
    const row = await env.DB.prepare("SELECT ciphertext FROM credentials WHERE kind = 'agent' AND name = 'opencode'").first<{ ciphertext: string }>();
    expect(row?.ciphertext).not.toContain('sk-compat');
    expect(row?.ciphertext).not.toContain('qwen3');

    // Stored again without base URL and model: the credential is replaced as a whole.
    const replaced = await expectJson<CredentialInfo>(await put('opencode', { apiKey }), 200);
    expect(replaced).not.toHaveProperty('baseUrl');
    expect(replaced).not.toHaveProperty('model');
    expect((await expectJson<{ credentials: CredentialInfo[] }>(await api('/api/credentials'), 200)).credentials).toContainEqual(replaced);
    expect((await remove('opencode')).status).toBe(204);
  });
});

describe('agentCredentialsFor', () => {
  it('hands a stored credential back as the variables of the agent\'s model API, and nothing when none is stored', async () => {
    const { keyed, userId } = keyedUser();
    const cases: Array<[AgentType, Parameters<typeof saveAgentCredential>[3], Record<string, string>]> = [
      ['claude-code', { apiKey: 'sk-ant-secret-1234', baseUrl: 'http://127.0.0.1:1/anthropic' }, { ANTHROPIC_API_KEY: 'sk-ant-secret-1234', ANTHROPIC_BASE_URL: 'http://127.0.0.1:1/anthropic' }],
      ['codex', { apiKey: 'sk-openai-5678' }, { OPENAI_API_KEY: 'sk-openai-5678' }],
      ['gemini', { apiKey: 'gemini-key-9012', model: 'gemini-2.5-flash' }, { GEMINI_API_KEY: 'gemini-key-9012', GEMINI_MODEL: 'gemini-2.5-flash' }],
      ['qwen-code', { apiKey: 'sk-qwen-3456', baseUrl: 'http://127.0.0.1:2/v1', model: 'qwen3-coder' }, { OPENAI_API_KEY: 'sk-qwen-3456', OPENAI_BASE_URL: 'http://127.0.0.1:2/v1', OPENAI_MODEL: 'qwen3-coder' }],
      ['cline', { apiKey: 'sk-cline-7890', model: 'gpt-x' }, { OPENAI_API_KEY: 'sk-cline-7890', OPENAI_MODEL: 'gpt-x' }],
    ];
    for (const [agentType, credential, variables] of cases) {
      expect(await agentCredentialsFor(keyed, userId, agentType)).toBeUndefined();
      await saveAgentCredential(keyed, userId, agentType, credential);
      expect(await agentCredentialsFor(keyed, userId, agentType), agentType).toEqual(variables);
    }
    expect(await agentCredentialsFor(keyed, userId, 'opencode')).toBeUndefined();
    // Another encryption key cannot open them.
    await expect(agentCredentialsFor({ ...keyed, config: { ...keyed.config, credentialsKey: randomKey() } }, userId, 'codex')).rejects.toThrow();
  });

  it("puts Claude Code's OAuth token in CLAUDE_CODE_OAUTH_TOKEN, and shows it masked", async () => {
    const { keyed, userId } = keyedUser();
    const info = await saveAgentCredential(keyed, userId, 'claude-code', { oauthToken: 'sk-ant-oat01-subscription-abcd' });
    expect(info).toMatchObject({ kind: 'agent', name: 'claude-code', masked: '••••abcd' });
    expect(await agentCredentialsFor(keyed, userId, 'claude-code')).toEqual({ CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-subscription-abcd' });
  });

  it('still opens a key stored before issue 13 (the bare key, sealed) as an API key', async () => {
    const { keyed, userId } = keyedUser();
    const key = await credentialKey(keyed.config.credentialsKey);
    for (const [agentType, bare] of [
      ['claude-code', 'sk-ant-stored-long-ago'],
      ['codex', '{not-json-but-a-key'],
    ] as const) {
      await putCredential(env.DB, { userId, kind: 'agent', name: agentType }, await sealSecret(key, bare, `${userId}:agent:${agentType}`), '••••-ago');
      expect(await agentCredentialsFor(keyed, userId, agentType)).toEqual(agentType === 'claude-code' ? { ANTHROPIC_API_KEY: bare } : { OPENAI_API_KEY: bare });
    }
  });
});
