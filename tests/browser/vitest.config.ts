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
  },
});
