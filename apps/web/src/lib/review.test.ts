import { describe, expect, it } from 'vitest';
import { formatReview, lineWords, type ReviewComment } from './review';

const comment = (c: Partial<ReviewComment>): ReviewComment => ({ id: 'c', path: 'src/a.ts', side: 'new', startLine: 1, endLine: 1, text: 'x', ...c });

describe('review formatting', () => {
  it('names the line or lines, and removed lines as such', () => {
    expect(lineWords({ side: 'new', startLine: 12, endLine: 12 })).toBe('line 12');
    expect(lineWords({ side: 'new', startLine: 12, endLine: 14 })).toBe('lines 12–14');
    expect(lineWords({ side: 'old', startLine: 7, endLine: 7 })).toBe('removed line 7');
  });

  it('sends every comment with its file and line, files in diff order then by line', () => {
    const text = formatReview(
      [
        comment({ path: 'src/b.ts', startLine: 3, endLine: 3, text: 'Rename this.' }),
        comment({ path: 'src/a.ts', startLine: 20, endLine: 22, text: '  Handle the error.\nAnd log it.  ' }),
        comment({ path: 'src/a.ts', startLine: 12, endLine: 12, text: 'Off by one?' }),
      ],
      ['src/a.ts', 'src/b.ts'],
    );
    expect(text).toBe(
      'Review comments:\n\n`src/a.ts` line 12: Off by one?\n\n`src/a.ts` lines 20–22: Handle the error.\nAnd log it.\n\n`src/b.ts` line 3: Rename this.',
    );
  });
});
