/**
 * The fake GitHub's OAuth app (test-only), after GitHub's web application flow
 * (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps):
 * - `GET /login/oauth/authorize?client_id&redirect_uri&state&code_challenge…` — a tiny page with a
 *   button per test user ("Sign in as <login>"), posting to `POST /login/oauth/authorize`
 *   (form `login` plus the query) → 302 to `redirect_uri?code&state`;
 * - `POST /login/oauth/access_token` (form: client_id, client_secret, code, redirect_uri,
 *   code_verifier; PKCE S256 checked) → JSON `{access_token, token_type: "bearer", scope}` or
 *   `{error: "bad_verification_code"|"incorrect_client_credentials"}` (GitHub answers errors 200);
 * - `GET /user`, `/user/emails`, `/user/orgs` for a bearer token it issued (401 otherwise).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeGitHubUser {
  id: number;
  login: string;
  name?: string;
  email: string;
  /** Default true. */
  emailVerified?: boolean;
  /** Organization logins. */
  orgs?: string[];
}

export interface FakeGitHubOAuthOptions {
  clientId: string;
  clientSecret: string;
  users: FakeGitHubUser[];
}

interface Grant {
  user: FakeGitHubUser;
  redirectUri: string;
  codeChallenge: string | null;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The OAuth routes; `handle` answers one of them (true) or leaves the request to the REST fake (false). */
export function createOAuthApp(options: FakeGitHubOAuthOptions) {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, FakeGitHubUser>();

  function approve(res: ServerResponse, params: URLSearchParams, user: FakeGitHubUser): void {
    const code = randomBytes(10).toString('hex');
    codes.set(code, { user, redirectUri: params.get('redirect_uri') ?? '', codeChallenge: params.get('code_challenge') });
    const back = new URL(params.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    if (params.get('state')) back.searchParams.set('state', params.get('state') ?? '');
    res.writeHead(302, { location: back.href }).end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/login/oauth/authorize' && req.method === 'GET') {
      if (url.searchParams.get('client_id') !== options.clientId) return (res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown OAuth app'), true);
      const hidden = [...url.searchParams].map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`).join('');
      const buttons = options.users.map((user) => `<button name="login" value="${escapeHtml(user.login)}">Sign in as ${escapeHtml(user.login)}</button>`).join('<br>');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Fake GitHub</title><h1>Authorize app</h1><form method="post" action="/login/oauth/authorize">${hidden}${buttons}</form>`);
      return true;
    }
    if (url.pathname === '/login/oauth/authorize' && req.method === 'POST') {
      const form = await readForm(req);
      const user = options.users.find((candidate) => candidate.login === form.get('login'));
      if (!user || form.get('client_id') !== options.clientId) return (res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown user or app'), true);
      approve(res, form, user);
      return true;
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      const form = await readForm(req);
      if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) return (json(res, 200, { error: 'incorrect_client_credentials' }), true);
      const code = form.get('code') ?? '';
      const grant = codes.get(code);
      codes.delete(code);
      const verifierOk = !grant?.codeChallenge || createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === grant.codeChallenge;
      if (!grant || grant.redirectUri !== form.get('redirect_uri') || !verifierOk) return (json(res, 200, { error: 'bad_verification_code' }), true);
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(token, grant.user);
      json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:org,read:user,user:email' });
      return true;
    }
    if (req.method === 'GET' && ['/user', '/user/emails', '/user/orgs'].includes(url.pathname)) {
      const user = tokens.get((req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, ''));
      if (!user) return false; // not one of ours: the REST fake's own token check answers
      if (url.pathname === '/user') json(res, 200, { id: user.id, login: user.login, name: user.name ?? null, avatar_url: null });
      else if (url.pathname === '/user/emails') json(res, 200, [{ email: user.email, primary: true, verified: user.emailVerified ?? true, visibility: 'private' }]);
      else json(res, 200, (user.orgs ?? []).map((login) => ({ login })));
      return true;
    }
    return false;
  }

  return { handle };
}
