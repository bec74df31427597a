/**
 * Fake GitHub REST API (test-only) for the calls Flotilla makes, following GitHub's published
 * reference: `POST /repos/{owner}/{repo}/pulls {title, head, base, body}` → 201 with `number`,
 * `html_url`, `state: "open"`, `head.ref`, `base.ref`
 * (https://docs.github.com/en/rest/pulls/pulls#create-a-pull-request); and
 * `POST /repos/{owner}/{repo}/issues/{number}/comments {body}` → 201 with `id`, `html_url`, `body`
 * (https://docs.github.com/en/rest/issues/comments#create-an-issue-comment; 422 without a body).
 * Token auth (`Authorization: token|Bearer <t>`; 401
 * `{"message":"Bad credentials"}` otherwise); 422 when `head` or `base` is missing. Every request
 * is recorded, with the authorization header's token redacted to whether it matched.
 *
 * With `oauth` (sign-in, oauth.ts): GitHub's OAuth app web flow
 * (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps) —
 * `/login/oauth/authorize`, `/login/oauth/access_token` — and `GET /user`, `/user/emails`,
 * `/user/orgs` for the tokens it issues.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOAuthApp, type FakeGitHubOAuthOptions } from './oauth.js';

export type { FakeGitHubOAuthOptions, FakeGitHubUser } from './oauth.js';

export interface FakeGitHubRequest {
  method: string;
  path: string;
  /** True when the request carried an accepted token. */
  authorized: boolean;
  body: unknown;
}

export interface FakePullRequest {
  owner: string;
  repo: string;
  number: number;
  title: string;
  head: string;
  base: string;
  body: string | null;
  htmlUrl: string;
}

export interface FakeIssueComment {
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
}

export interface FakeGitHub {
  /** API base URL (what GITHUB_API_URL takes). */
  url: string;
  requests: FakeGitHubRequest[];
  pullRequests: FakePullRequest[];
  issueComments: FakeIssueComment[];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * Start the fake on 127.0.0.1.
 * @param options.tokens accepted tokens (default `['test-github-token']`)
 * @param options.oauth an OAuth app and the users who may sign in with it (sign-in tests)
 */
export async function startFakeGitHub(options: { tokens?: string[]; oauth?: FakeGitHubOAuthOptions } = {}): Promise<FakeGitHub> {
  const tokens = new Set(options.tokens ?? ['test-github-token']);
  const oauth = options.oauth ? createOAuthApp(options.oauth) : null;
  const requests: FakeGitHubRequest[] = [];
  const pullRequests: FakePullRequest[] = [];
  const issueComments: FakeIssueComment[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      if (oauth && (await oauth.handle(req, res))) return;
      const body = await readJson(req);
      const token = (req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, '');
      const authorized = tokens.has(token);
      requests.push({ method: req.method ?? 'GET', path, authorized, body });
      if (!authorized) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const comments = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/);
      if (req.method === 'POST' && comments) {
        const [, owner = '', repo = '', issue = '0'] = comments;
        if (typeof body.body !== 'string' || body.body === '') return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }] });
        issueComments.push({ owner, repo, issueNumber: Number(issue), body: body.body });
        const id = issueComments.length;
        return send(res, 201, { id, html_url: `https://github.com/${owner}/${repo}/issues/${issue}#issuecomment-${id}`, body: body.body });
      }
      const pulls = path.match(/^\/repos\/([^/]+)\/([^/]+)\/pulls$/);
      if (req.method !== 'POST' || !pulls) return send(res, 404, { message: 'Not Found' });
      const [, owner = '', repo = ''] = pulls;
      const head = typeof body.head === 'string' ? body.head : '';
      const base = typeof body.base === 'string' ? body.base : '';
      if (!head || !base) return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'missing_field' }] });
      const number = pullRequests.length + 1;
      const htmlUrl = `https://github.com/${owner}/${repo}/pull/${number}`;
      const title = typeof body.title === 'string' ? body.title : '';
      pullRequests.push({ owner, repo, number, title, head, base, body: typeof body.body === 'string' ? body.body : null, htmlUrl });
      send(res, 201, { number, html_url: htmlUrl, state: 'open', title, head: { ref: head }, base: { ref: base } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pullRequests,
    issueComments,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
