import { describe, expect, it } from 'vitest';
import { parseInstructions, unescapeContent } from './instructions.js';

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

  it('finds no instruction in plain prose', () => {
    expect(parseInstructions('Fix the bug in the parser\nthanks')).toEqual([]);
  });

  it('unescapes \\n, \\t and \\\\ only', () => {
    expect(unescapeContent('a\\nb\\tc\\\\n\\x')).toBe('a\nb\tc\\n\\x');
  });
});
