import type { Turn } from './types.js';

/**
 * Script of the offline demo model, for Claude Code running against the fake Anthropic API on a
 * copy of `examples/sample-repo` (whose `add` subtracts). Every tool call is a relative Bash
 * command, since the working directory is not reliably in Claude Code's system prompt:
 * run the tests, fix `add` with sed, run the tests again, summarise.
 */
export const demoModel: Turn[] = [
  {
    text: "I'm Flotilla's offline demo model (a scripted stand-in, not a real Claude). Let me run the tests first.",
    toolUses: [{ name: 'Bash', input: { command: 'npm test', description: 'Run the test suite' } }],
  },
  {
    text: 'The add test fails: `add` in src/calculator.js subtracts (`return a - b;`) instead of adding. Fixing it.',
    toolUses: [
      {
        name: 'Bash',
        input: {
          command: "sed -i 's/return a - b;/return a + b;/' src/calculator.js",
          description: 'Make add return a + b',
        },
      },
    ],
  },
  {
    text: 'Running the tests again.',
    toolUses: [{ name: 'Bash', input: { command: 'npm test', description: 'Run the test suite' } }],
  },
  {
    text:
      'Fixed: `add` in src/calculator.js now returns `a + b` instead of `a - b`, and `npm test` passes. ' +
      "(This answer was scripted by Flotilla's offline demo model; no real model was called.)",
  },
];
