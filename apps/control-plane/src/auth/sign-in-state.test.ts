/** The checks of a sign-in under way: returnTo stays on this control plane; the state must match the cookie's. */
import { describe, expect, it } from 'vitest';
import { safeReturnTo, stateMatches } from './sign-in-state.js';

describe('safeReturnTo', () => {
  it('keeps a path on this control plane, with its query and fragment', () => {
    expect(safeReturnTo('/projects/prj_1?tab=board#x')).toBe('/projects/prj_1?tab=board#x');
    expect(safeReturnTo('/')).toBe('/');
  });

  it('turns anything that could leave this origin into /', () => {
    for (const bad of [undefined, '', 'https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'projects', '/a\nb', `/${'a'.repeat(2001)}`]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});

describe('stateMatches', () => {
  it('needs both, equal', () => {
    expect(stateMatches('abc', 'abc')).toBe(true);
    expect(stateMatches('abc', 'abd')).toBe(false);
    expect(stateMatches('abc', 'abcd')).toBe(false);
    expect(stateMatches('abc', undefined)).toBe(false);
    expect(stateMatches(null, 'abc')).toBe(false);
    expect(stateMatches('', '')).toBe(false);
  });
});
