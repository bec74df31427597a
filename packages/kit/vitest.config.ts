import { defineProject } from 'vitest/config';

// Unit tests of the shared kit: plain Node, no I/O beyond local HTTP servers.
export default defineProject({
  test: { name: 'kit', include: ['src/**/*.test.ts'], environment: 'node' },
});
