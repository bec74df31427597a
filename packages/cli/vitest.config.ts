import { defineProject } from 'vitest/config';

// The CLI's own parts: the local cloud served from its route table and called by the `local`
// provider; the node daemon's artifact build (esbuild). Plain Node.
export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
