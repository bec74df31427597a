/** The comparison `flotilla run` prints for a task run on several agents. */
import type { TaskVariant } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { renderComparison, renderVariantProgress } from './several.js';

const variant = (overrides: Partial<TaskVariant>): TaskVariant => ({
  taskId: 'tsk_1',
  agentType: 'codex',
  status: 'completed',
  error: null,
  branch: 'task/tsk_p-codex',
  summary: 'Added the flag.',
  filesChanged: ['a.ts', 'b.ts'],
  commitSha: 'abc',
  chatSessionId: 'ses_1',
  usage: { requests: 2, inputTokens: 1200, outputTokens: 80, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
  ...overrides,
});

describe('renderComparison', () => {
  it('shows one aligned row per agent, then each one’s summary or error', () => {
    const text = renderComparison([variant({}), variant({ agentType: 'gemini', status: 'failed', error: 'no key', branch: null, filesChanged: null, usage: null, summary: null })]);
    expect(text.split('\n')).toEqual([
      'Agent       Status     Files  Tokens            Branch',
      '----------  ---------  -----  ----------------  ----------------',
      'Codex       completed  2      1200 in / 80 out  task/tsk_p-codex',
      'Gemini CLI  failed     0      -                 -',
      '',
      'Codex: Added the flag.',
      'Gemini CLI: no key',
    ]);
    expect(renderVariantProgress(variant({ status: 'in_progress' }))).toBe('[Codex] in progress');
  });
});
