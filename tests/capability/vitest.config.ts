import { defineProject } from 'vitest/config';

// Whole-stack tests: each boots wrangler, node daemons and real agents, so they run one file at a time.
export default defineProject({
  test: {
    name: 'capability',
    include: ['**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // expect.poll waits for an outcome, not for machine speed: its 1 s default fails on a busy CI machine.
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
});
