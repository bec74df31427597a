/** Tab titles (`documentTitle`). */
import { describe, expect, it } from 'vitest';
import { documentTitle } from './document-title';

describe('documentTitle', () => {
  it('joins the place and ends with the app name', () => {
    expect(documentTitle('demo', 'Chat')).toBe('demo · Chat — Flotilla');
    expect(documentTitle('Settings', 'demo')).toBe('Settings · demo — Flotilla');
    expect(documentTitle('Nodes')).toBe('Nodes — Flotilla');
  });

  it('skips missing parts', () => {
    expect(documentTitle(undefined, '')).toBe('Flotilla');
    expect(documentTitle(null, 'Fix the login')).toBe('Fix the login — Flotilla');
  });
});
