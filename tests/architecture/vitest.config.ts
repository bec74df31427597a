import { defineProject } from 'vitest/config';

// The architecture's rules, checked on the whole repository: import direction and no cycles
// (.dependency-cruiser.cjs), and the README's API table against the route tables.
export default defineProject({
  test: { name: 'architecture', include: ['*.test.ts'], environment: 'node', testTimeout: 120_000 },
});
