import { defineProject } from 'vitest/config';

// Unit tests of the node daemon, beside the code (DESIGN.md section 6). Some start local HTTP
// servers, SQLite files in temp dirs and child processes, so they run in plain Node. The daemon
// tests in test/ start the real daemon, real git and the scripted agent, hence the long timeouts.
export default defineProject({
  test: {
    name: 'node-daemon',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
