import { defineProject } from 'vitest/config';

// The user-data builder; its tests validate the output with Debian's `cloud-init schema`.
export default defineProject({
  test: {
    name: 'cloud-init',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
