import { defineConfig } from 'vitest/config';

// `npm test` runs every project: unit tests beside the code, control-plane tests inside workerd,
// and the whole-stack capability tests. The JSON report feeds .ci/run's closing count.
export default defineConfig({
  test: {
    projects: ['apps/*/vitest.config.ts', 'packages/*/vitest.config.ts', 'tests/*/vitest.config.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
