/** The ref advertisement parser (pkt-line.ts) on what git http-backend and GitHub answer, and on what they do not. */
import { describe, expect, it } from 'vitest';
import { NotAnAdvertisementError, parseRefAdvertisement, readPktLines } from './pkt-line.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const pkt = (payload: string) => `${(new TextEncoder().encode(payload).length + 4).toString(16).padStart(4, '0')}${payload}`;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('readPktLines', () => {
  it('splits payloads (trailing newline dropped) and marks flushes as null', () => {
    expect(readPktLines(bytes(`${pkt('# service=git-upload-pack\n')}0000${pkt('hello')}0000`))).toEqual(['# service=git-upload-pack', null, 'hello', null]);
  });

  it('refuses a length that is not hex, and one that runs past the end', () => {
    expect(() => readPktLines(bytes('<!DOCTYPE html>'))).toThrow(NotAnAdvertisementError);
    expect(() => readPktLines(bytes('00ffshort'))).toThrow(/runs past the end/);
  });
});

describe('parseRefAdvertisement', () => {
  it("reads the branches and HEAD's branch (symref capability) of an advertisement", () => {
    const body = [
      pkt('# service=git-upload-pack\n'),
      '0000',
      pkt(`${A} HEAD\0multi_ack thin-pack side-band symref=HEAD:refs/heads/trunk agent=git/2.43\n`),
      pkt(`${A} refs/heads/trunk\n`),
      pkt(`${B} refs/heads/feature/x\n`),
      pkt(`${B} refs/pull/1/head\n`),
      pkt(`${A} refs/tags/v1\n`),
      pkt(`${B} refs/tags/v1^{}\n`),
      '0000',
    ].join('');
    expect(parseRefAdvertisement(bytes(body))).toEqual({ headBranch: 'trunk', branches: ['trunk', 'feature/x'] });
  });

  it('reads an empty repository as no branches', () => {
    const body = `${pkt('# service=git-upload-pack\n')}0000${pkt(`${'0'.repeat(40)} capabilities^{}\0report-status agent=git/2\n`)}0000`;
    expect(parseRefAdvertisement(bytes(body))).toEqual({ headBranch: null, branches: [] });
  });

  it('takes the first ref with capabilities when there is no HEAD (detached or hidden)', () => {
    const body = `${pkt('# service=git-upload-pack\n')}0000${pkt(`${A} refs/heads/main\0side-band\n`)}0000`;
    expect(parseRefAdvertisement(bytes(body))).toEqual({ headBranch: null, branches: ['main'] });
  });

  it('refuses what is not an upload-pack advertisement: a dumb server, a receive-pack one, protocol v2', () => {
    expect(() => parseRefAdvertisement(bytes(`${A}\trefs/heads/main\n`))).toThrow(NotAnAdvertisementError);
    expect(() => parseRefAdvertisement(bytes(`${pkt('# service=git-receive-pack\n')}0000`))).toThrow(/does not start with/);
    expect(() => parseRefAdvertisement(bytes(`${pkt('# service=git-upload-pack\n')}0000${pkt('version 2\n')}0000`))).toThrow(/protocol version 2/);
  });
});
