/** What `flotilla diff` prints: the patch as is, coloured on a terminal, and the files a cut left out. */
import { describe, expect, it } from 'vitest';
import { renderTaskDiff } from './diff.js';

const PATCH = 'diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-old\n+new\n';

describe('renderTaskDiff', () => {
  it('prints the patch unchanged without colour', () => {
    expect(renderTaskDiff({ patch: PATCH, truncated: false, omittedFiles: [], omittedFileCount: 0 }, false)).toBe(PATCH);
  });

  it('colours added, removed and hunk lines on a terminal', () => {
    const out = renderTaskDiff({ patch: PATCH, truncated: false, omittedFiles: [], omittedFileCount: 0 }, true);
    expect(out).toContain('\u001b[32m+new\u001b[39m');
    expect(out).toContain('\u001b[31m-old\u001b[39m');
    expect(out).toContain('\u001b[36m@@ -1 +1 @@\u001b[39m');
  });

  it('names the files a cut left out', () => {
    const out = renderTaskDiff({ patch: PATCH, truncated: true, omittedFiles: ['big.json'], omittedFileCount: 3 }, false);
    expect(out.endsWith('The diff was cut at the size limit; 3 files are not shown:\n  big.json\n  … and 2 more\n')).toBe(true);
  });
});
