import { defineProject } from 'vitest/config';

// Unit tests of the testkit: they spawn the scripted agent and the real Claude Code (ACP adapter).
export default defineProject({
  test: {
    name: 'testkit',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
