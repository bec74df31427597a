/**
 * The ref advertisement of git's smart HTTP protocol (gitprotocol-http, gitprotocol-pack), what
 * `GET <repo>/info/refs?service=git-upload-pack` answers: pkt-lines (4 hex digits of length,
 * counting themselves, then the payload; `0000` a flush), first `# service=git-upload-pack` and a
 * flush, then one `<oid> <refname>` line per ref, the first carrying the capabilities after a NUL
 * (among them `symref=HEAD:refs/heads/<default branch>`). An empty repository advertises
 * `<zero oid> capabilities^{}` only. Protocol v2 (`version 2`) is not asked for, so not parsed.
 */
import type { RemoteRefs } from '@flotilla/contracts';

/** An answer that is not a ref advertisement (a web page, a dumb server, a cut-off answer). */
export class NotAnAdvertisementError extends Error {
  constructor(why: string) {
    super(`not a git ref advertisement: ${why}`);
    this.name = 'NotAnAdvertisementError';
  }
}

/**
 * The payloads of the pkt-lines in `body`, flushes as null.
 * @throws NotAnAdvertisementError when a length is not 4 hex digits or runs past the end
 */
export function readPktLines(body: Uint8Array): Array<string | null> {
  const decoder = new TextDecoder();
  const lines: Array<string | null> = [];
  let at = 0;
  while (at < body.length) {
    const head = decoder.decode(body.subarray(at, at + 4));
    if (!/^[0-9a-f]{4}$/i.test(head)) throw new NotAnAdvertisementError(`bad pkt-line length ${JSON.stringify(head)} at byte ${at}`);
    const length = Number.parseInt(head, 16);
    if (length === 0 || length === 1 || length === 2) {
      // 0000 flush, 0001 delim, 0002 response-end: separators without payload.
      lines.push(null);
      at += 4;
      continue;
    }
    if (length < 4 || at + length > body.length) throw new NotAnAdvertisementError(`pkt-line of ${length} bytes at byte ${at} runs past the end (${body.length} bytes)`);
    lines.push(decoder.decode(body.subarray(at + 4, at + length)).replace(/\n$/, ''));
    at += length;
  }
  return lines;
}

/**
 * The branches and HEAD's branch of an upload-pack ref advertisement.
 * @throws NotAnAdvertisementError when `body` is not one (no `# service=git-upload-pack` first)
 */
export function parseRefAdvertisement(body: Uint8Array): RemoteRefs {
  const lines = readPktLines(body);
  if (lines[0] !== '# service=git-upload-pack') throw new NotAnAdvertisementError('it does not start with "# service=git-upload-pack"');
  let headBranch: string | null = null;
  const branches: string[] = [];
  let first = true;
  for (const line of lines.slice(1)) {
    if (line === null) continue;
    if (line.startsWith('version ')) throw new NotAnAdvertisementError(`the server answered protocol ${line}, which was not asked for`);
    const [ref, capabilities] = line.split('\0');
    if (first && capabilities !== undefined) {
      const symref = /(?:^| )symref=HEAD:refs\/heads\/(\S+)/.exec(capabilities);
      if (symref) headBranch = symref[1]!;
    }
    first = false;
    const name = /^[0-9a-f]{40,64} (\S+)$/.exec(ref ?? '')?.[1];
    if (name?.startsWith('refs/heads/')) branches.push(name.slice('refs/heads/'.length));
  }
  return { headBranch, branches };
}
