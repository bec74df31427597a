import { describe, expect, it } from 'vitest';
import { takeAgentCredentials, withOverrides } from './agent-credentials.js';

describe('takeAgentCredentials', () => {
  it('moves the credentials out of the environment', () => {
    const env: Record<string, string | undefined> = { ANTHROPIC_API_KEY: 'sk-1', PATH: '/bin', CLAUDE_CODE_OAUTH_TOKEN: '' };
    const credentials = takeAgentCredentials(env);
    expect(credentials).toEqual({ ANTHROPIC_API_KEY: 'sk-1' });
    expect(env).toEqual({ PATH: '/bin' });
    expect(Object.isFrozen(credentials)).toBe(true);
  });
});

describe('withOverrides', () => {
  it("puts a sent key over the daemon's own credentials, keeping the base URL, and leaves them alone otherwise", () => {
    const own = Object.freeze({ ANTHROPIC_API_KEY: 'sk-daemon', ANTHROPIC_BASE_URL: 'http://fake', CLAUDE_CODE_OAUTH_TOKEN: 'oauth' });
    expect(withOverrides(own, { ANTHROPIC_API_KEY: 'sk-stored' })).toEqual({ ANTHROPIC_API_KEY: 'sk-stored', ANTHROPIC_BASE_URL: 'http://fake' });
    expect(own.ANTHROPIC_API_KEY).toBe('sk-daemon');
    expect(withOverrides(own, undefined)).toBe(own);
    expect(withOverrides(own, {})).toEqual(own);
  });
});
