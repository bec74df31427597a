/** The settings page's egress allowlist text: one host per line, normalised, the first bad line named. */
import { describe, expect, it } from 'vitest';
import { parseAllowlist } from './egress';

describe('parseAllowlist', () => {
  it('takes one host per line, trimmed and in lower case, without blank lines or repeats', () => {
    expect(parseAllowlist(' Docs.Example.com \n\n*.internal.example.com\ndocs.example.com\n')).toEqual({ hosts: ['docs.example.com', '*.internal.example.com'] });
    expect(parseAllowlist('')).toEqual({ hosts: [] });
  });

  it('names the first line that is no host: a URL, a port, a bare wildcard', () => {
    for (const [text, line] of [['ok.example\nhttps://evil.example/x', 2], ['host.example:443', 1], ['a.example\nb.example\n*', 3]] as const) {
      const parsed = parseAllowlist(text);
      expect('problem' in parsed && parsed.problem, text).toMatch(new RegExp(`^Line ${line} `));
    }
  });

  it('refuses more than 100 hosts', () => {
    const many = Array.from({ length: 101 }, (_, i) => `h${i}.example.com`).join('\n');
    expect(parseAllowlist(many)).toEqual({ problem: 'At most 100 hosts (101 given)' });
  });
});
