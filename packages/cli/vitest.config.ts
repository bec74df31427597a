import { defineProject } from 'vitest/config';

// The CLI's own parts: the local cloud served from its route table, called by the `local` provider.
export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
