/**
 * A fake private git host (test-only): git's smart HTTP protocol served by `git http-backend`
 * (the CGI program git ships) behind HTTP Basic auth, the way GitHub or GitLab take a token
 * over https. Only requests carrying the configured username and token get through; the others
 * get 401, and a git without credentials fails there. Every request is recorded (method, path,
 * service, whether it was let in) — never the token.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeGitHostRequest {
  method: string;
  /** Path without the query, e.g. `/private.git/git-receive-pack`. */
  path: string;
  /** `git-upload-pack` (fetch/clone) or `git-receive-pack` (push), when the request names one. */
  service: string | null;
  authorized: boolean;
}

export interface FakeGitHost {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`: the host a credential is saved for. */
  host: string;
  /** Root directory holding the bare repositories. */
  root: string;
  requests: FakeGitHostRequest[];
  /** Create bare repository `<name>.git` with one commit of `files` on `main`; answers its URL. */
  createRepository(name: string, files: Record<string, string>): string;
  close(): Promise<void>;
}

const git = (args: string[], cwd: string) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });

/** Split a CGI answer into its status, headers and body. */
function parseCgi(output: Buffer): { status: number; headers: Record<string, string>; body: Buffer } {
  let end = output.indexOf('\r\n\r\n');
  let separator = 4;
  if (end < 0) {
    end = output.indexOf('\n\n');
    separator = 2;
  }
  const head = output.subarray(0, Math.max(end, 0)).toString('utf8');
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  return { status, headers, body: output.subarray(end < 0 ? 0 : end + separator) };
}

export async function startFakeGitHost(options: { username: string; token: string }): Promise<FakeGitHost> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-fake-git-host-'));
  const requests: FakeGitHostRequest[] = [];
  const expected = `Basic ${Buffer.from(`${options.username}:${options.token}`).toString('base64')}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-git-host');
    const service = url.searchParams.get('service') ?? url.pathname.match(/(git-(?:upload|receive)-pack)$/)?.[1] ?? null;
    const authorized = req.headers.authorization === expected;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, service, authorized });
    if (!authorized) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake git host"', 'content-type': 'text/plain' }).end('authentication required\n');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const httpHeaders = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([, value]) => typeof value === 'string')
        .map(([name, value]) => [`HTTP_${name.toUpperCase().replace(/-/g, '_')}`, value as string]),
    );
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        ...httpHeaders,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: options.username,
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    cgi.stderr.resume();
    cgi.stdin.end(Buffer.concat(chunks));
    await new Promise<void>((resolve, reject) => {
      cgi.once('error', reject);
      cgi.once('close', () => resolve());
    });
    const answer = parseCgi(Buffer.concat(out));
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    url: `http://${host}`,
    host,
    root,
    requests,
    createRepository(name, files) {
      const bare = join(root, `${name}.git`);
      git(['init', '--quiet', '--bare', '--initial-branch=main', bare], root);
      const work = mkdtempSync(join(tmpdir(), 'flotilla-fake-git-seed-'));
      git(['init', '--quiet', '--initial-branch=main'], work);
      for (const [path, content] of Object.entries(files)) writeFileSync(join(work, path), content);
      git(['add', '-A'], work);
      git(['-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '--quiet', '-m', 'seed'], work);
      git(['push', '--quiet', bare, 'main'], work);
      return `http://${host}/${name}.git`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
