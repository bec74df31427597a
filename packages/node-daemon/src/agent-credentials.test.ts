import { describe, expect, it } from 'vitest';
import { modelOf, takeAgentCredentials, withOverrides } from './agent-credentials.js';

describe('takeAgentCredentials', () => {
  it('moves the credentials of every model API out of the environment', () => {
    const env: Record<string, string | undefined> = { ANTHROPIC_API_KEY: 'sk-1', PATH: '/bin', CLAUDE_CODE_OAUTH_TOKEN: '', OPENAI_API_KEY: 'sk-o', OPENAI_MODEL: 'm', GEMINI_API_KEY: 'g' };
    const credentials = takeAgentCredentials(env);
    expect(credentials).toEqual({ ANTHROPIC_API_KEY: 'sk-1', OPENAI_API_KEY: 'sk-o', OPENAI_MODEL: 'm', GEMINI_API_KEY: 'g' });
    expect(env).toEqual({ PATH: '/bin' });
    expect(Object.isFrozen(credentials)).toBe(true);
  });
});

describe('withOverrides', () => {
  it("puts a sent key over the daemon's own secrets of that API, keeping the base URL, and leaves them alone otherwise", () => {
    const own = Object.freeze({ ANTHROPIC_API_KEY: 'sk-daemon', ANTHROPIC_BASE_URL: 'http://fake', CLAUDE_CODE_OAUTH_TOKEN: 'oauth', OPENAI_API_KEY: 'sk-o' });
    expect(withOverrides(own, { ANTHROPIC_API_KEY: 'sk-stored' }, 'claude-code')).toEqual({ ANTHROPIC_API_KEY: 'sk-stored', ANTHROPIC_BASE_URL: 'http://fake', OPENAI_API_KEY: 'sk-o' });
    expect(withOverrides(own, { CLAUDE_CODE_OAUTH_TOKEN: 'oauth-stored' }, 'claude-code')).toEqual({ CLAUDE_CODE_OAUTH_TOKEN: 'oauth-stored', ANTHROPIC_BASE_URL: 'http://fake', OPENAI_API_KEY: 'sk-o' });
    expect(own.ANTHROPIC_API_KEY).toBe('sk-daemon');
    expect(withOverrides(own, undefined, 'claude-code')).toBe(own);
    expect(withOverrides(own, {}, 'claude-code')).toEqual(own);
  });

  it("takes a stored OpenAI-compatible credential's base URL and model over the daemon's, for that API only", () => {
    const own = Object.freeze({ OPENAI_API_KEY: 'sk-daemon', OPENAI_BASE_URL: 'http://daemon/v1', OPENAI_MODEL: 'daemon-model', GEMINI_API_KEY: 'g' });
    const merged = withOverrides(own, { OPENAI_API_KEY: 'sk-stored', OPENAI_BASE_URL: 'https://openrouter.example/v1', OPENAI_MODEL: 'qwen3-coder' }, 'opencode');
    expect(merged).toEqual({ OPENAI_API_KEY: 'sk-stored', OPENAI_BASE_URL: 'https://openrouter.example/v1', OPENAI_MODEL: 'qwen3-coder', GEMINI_API_KEY: 'g' });
    expect(modelOf(merged, 'opencode')).toBe('qwen3-coder');
    expect(modelOf(merged, 'claude-code')).toBeNull();
    expect(modelOf(own, 'gemini')).toBeNull();
  });
});
