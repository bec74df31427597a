import { defineProject } from 'vitest/config';

// Unit tests of the contracts: schemas and state machines, no I/O.
export default defineProject({
  test: { name: 'contracts', include: ['src/**/*.test.ts'], environment: 'node' },
});
