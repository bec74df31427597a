import { describe, expect, it } from 'vitest';
import { fakeModelNodeEnv } from './agent-env.js';

describe('fakeModelNodeEnv', () => {
  it("points each agent type's model API at the fake", () => {
    for (const type of ['codex', 'opencode', 'qwen-code', 'cline'] as const) {
      expect(fakeModelNodeEnv(type, 'http://127.0.0.1:9/', 'k')).toEqual({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'fake-model' });
    }
    expect(fakeModelNodeEnv('gemini', 'http://127.0.0.1:9', 'k')).toEqual({ GEMINI_API_KEY: 'k', GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:9', GEMINI_MODEL: 'gemini-2.5-flash' });
    expect(fakeModelNodeEnv('claude-code', 'http://127.0.0.1:9', 'k')).toEqual({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
  });
});
