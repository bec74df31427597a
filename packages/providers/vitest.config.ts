import { defineProject } from 'vitest/config';

// Provider tests: the Hetzner provider against the fake Hetzner API from testkit.
export default defineProject({
  test: {
    name: 'providers',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
