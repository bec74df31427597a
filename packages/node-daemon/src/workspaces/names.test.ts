import { describe, expect, it } from 'vitest';
import { validateBranchName, validateWorkspaceId } from './names.js';

describe('validateWorkspaceId', () => {
  it('accepts ids and refuses path tricks', () => {
    expect(validateWorkspaceId('ws_01jd3abc')).toBeNull();
    for (const bad of ['', '../x', 'a/b', '.hidden', 'a..b', 'x'.repeat(200)]) {
      expect(validateWorkspaceId(bad)).toMatch(/workspaceId/);
    }
  });
});

describe('validateBranchName', () => {
  it('accepts task branches and refuses option-like or malformed names', () => {
    expect(validateBranchName('branch', 'task/tsk_01abc')).toBeNull();
    expect(validateBranchName('branch', 'main')).toBeNull();
    for (const bad of ['-x', '--upload-pack=evil', 'a..b', 'a b', 'a/', 'x.lock', 'a/.b', 'a~1', '@']) {
      expect(validateBranchName('branch', bad)).toMatch(/branch/);
    }
  });
});
