import { defineProject } from 'vitest/config';

// Unit tests of the CLI, beside the code: the node daemon's artifact build (esbuild), in plain Node.
export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
