import { defineProject } from 'vitest/config';

// Unit tests of the web app's pure logic (what the UI shows for given data). The screens
// themselves are tested end to end in tests/browser.
export default defineProject({
  test: {
    name: 'web',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
