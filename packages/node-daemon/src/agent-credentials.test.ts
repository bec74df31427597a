import { describe, expect, it } from 'vitest';
import { takeAgentCredentials } from './agent-credentials.js';

describe('takeAgentCredentials', () => {
  it('moves the credentials out of the environment', () => {
    const env: Record<string, string | undefined> = { ANTHROPIC_API_KEY: 'sk-1', PATH: '/bin', CLAUDE_CODE_OAUTH_TOKEN: '' };
    const credentials = takeAgentCredentials(env);
    expect(credentials).toEqual({ ANTHROPIC_API_KEY: 'sk-1' });
    expect(env).toEqual({ PATH: '/bin' });
    expect(Object.isFrozen(credentials)).toBe(true);
  });
});
