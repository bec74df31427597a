import { defineProject } from 'vitest/config';

// The shared API client against a small local HTTP server: what callers see of answers and refusals.
export default defineProject({
  test: {
    name: 'api-client',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
