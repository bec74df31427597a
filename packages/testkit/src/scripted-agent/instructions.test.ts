import { describe, expect, it } from 'vitest';
import { parseInstructions, planEntry, unescapeContent } from './instructions.js';

describe('instruction language', () => {
  it('parses every instruction form and ignores other lines', () => {
    const prompt = [
      'Please do the following:',
      'say: hello: world',
      '  think: pondering  ',
      'plan: one | two |  | three',
      'write src/a b.txt: x\\ny',
      'read README.md',
      'run: ls -la | wc -l',
      'sleep: 250',
      'await: /tmp/signal/go',
      'chunks: 3 tick tock',
      'fail: boom',
      'exit: 3',
      'sleep: soon',
      'writer: nothing',
    ].join('\n');
    expect(parseInstructions(prompt)).toEqual([
      { kind: 'say', text: 'hello: world' },
      { kind: 'think', text: 'pondering' },
      { kind: 'plan', entries: ['one', 'two', 'three'] },
      { kind: 'write', path: 'src/a b.txt', content: 'x\ny' },
      { kind: 'read', path: 'README.md' },
      { kind: 'run', command: 'ls -la | wc -l' },
      { kind: 'sleep', ms: 250 },
      { kind: 'await', path: '/tmp/signal/go' },
      { kind: 'chunks', count: 3, text: 'tick tock' },
      { kind: 'fail', message: 'boom' },
      { kind: 'exit', code: 3 },
    ]);
  });

  it('reads a plan entry\'s status from its marker', () => {
    expect(planEntry('[x] Read the code')).toEqual({ content: 'Read the code', status: 'completed' });
    expect(planEntry('[>] Fix the bug')).toEqual({ content: 'Fix the bug', status: 'in_progress' });
    expect(planEntry('Run the tests')).toEqual({ content: 'Run the tests', status: 'pending' });
    expect(planEntry('[ ] literal')).toEqual({ content: '[ ] literal', status: 'pending' });
  });

  it('finds no instruction in plain prose', () => {
    expect(parseInstructions('Fix the bug in the parser\nthanks')).toEqual([]);
  });

  it('unescapes \\n, \\t and \\\\ only', () => {
    expect(unescapeContent('a\\nb\\tc\\\\n\\x')).toBe('a\nb\tc\\n\\x');
  });
});
