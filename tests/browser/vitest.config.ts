import { defineProject } from 'vitest/config';

// Browser tests: Debian's Chromium (playwright-core) against the real stack, whose nodes run the
// scripted agent. Each file boots wrangler, the local cloud and a browser, so they run one at a time.
export default defineProject({
  test: {
    name: 'browser',
    include: ['**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // expect.poll waits for an outcome, not for machine speed: its 1 s default fails on a busy CI machine.
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
});
