/** How an agent's exit reads in a failed task's error. */
import { describe, expect, it } from 'vitest';
import { describeExit } from './agent-failure.js';

describe('describeExit', () => {
  it('says the exit code, the signal, or a sandbox-reported signal (128 + N) by its name', () => {
    expect(describeExit({ code: 3, signal: null })).toBe('agent exited with code 3');
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('agent was killed by SIGKILL');
    expect(describeExit({ code: 137, signal: null })).toBe('agent exited with code 137 (killed by SIGKILL)');
    expect(describeExit({ code: 143, signal: null })).toBe('agent exited with code 143 (killed by SIGTERM)');
    expect(describeExit({ code: 255, signal: null })).toBe('agent exited with code 255');
  });
});
