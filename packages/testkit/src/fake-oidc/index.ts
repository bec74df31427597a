/**
 * Fake OpenID Connect provider (test-only), after OpenID Connect Core 1.0 and Discovery 1.0:
 * - `GET /.well-known/openid-configuration` — the provider's metadata;
 * - `GET /authorize` — a tiny HTML page listing the test users, each a button ("Sign in as
 *   <login>"), that posts to `POST /authorize` → 302 to `redirect_uri?code&state`;
 *   with `login_hint=<login>` the named user is approved at once (no page);
 * - `POST /token` — authorization code grant (client_secret_basic or client_secret_post; PKCE
 *   S256 checked; each code used once) → access token and an RS256 ID token (jose) with `nonce`,
 *   `email`, `email_verified`, `name`, `preferred_username`;
 * - `GET /jwks` — the public key; `GET /userinfo` — the user's claims for a bearer access token.
 * Token errors are `400 {"error":"invalid_grant"|…}`, bad client auth `401 {"error":"invalid_client"}`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface FakeOidcUser {
  /** The `sub` claim (default: `sub-<login>`). */
  sub?: string;
  login: string;
  email: string;
  /** Default true. */
  emailVerified?: boolean;
  name?: string;
}

export interface FakeOidc {
  /** The issuer (AUTH_OIDC_ISSUER). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Codes exchanged at the token endpoint so far. */
  tokensIssued: number;
  close(): Promise<void>;
}

interface Grant {
  user: FakeOidcUser;
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const json = (res: ServerResponse, status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));

/**
 * Start the fake on 127.0.0.1.
 * @param options.users who may sign in
 * @param options.clientId / clientSecret the one registered client (defaults `flotilla-test` / `flotilla-test-secret`)
 */
export async function startFakeOidc(options: { users: FakeOidcUser[]; clientId?: string; clientSecret?: string }): Promise<FakeOidc> {
  const clientId = options.clientId ?? 'flotilla-test';
  const clientSecret = options.clientSecret ?? 'flotilla-test-secret';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-oidc-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, Grant>();
  const accessTokens = new Map<string, FakeOidcUser>();
  const subOf = (user: FakeOidcUser) => user.sub ?? `sub-${user.login}`;
  const claimsOf = (user: FakeOidcUser) => ({ sub: subOf(user), email: user.email, email_verified: user.emailVerified ?? true, name: user.name ?? user.login, preferred_username: user.login });
  let issuer = '';

  /** 302 back to the client with a new code for `user`. */
  function approve(res: ServerResponse, params: URLSearchParams, user: FakeOidcUser): void {
    const code = randomBytes(16).toString('hex');
    codes.set(code, { user, clientId: params.get('client_id') ?? '', redirectUri: params.get('redirect_uri') ?? '', nonce: params.get('nonce') ?? undefined, codeChallenge: params.get('code_challenge') ?? undefined });
    const back = new URL(params.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    const state = params.get('state');
    if (state) back.searchParams.set('state', state);
    back.searchParams.set('iss', issuer);
    res.writeHead(302, { location: back.href }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').map((part) => decodeURIComponent(part)) : [form.get('client_id'), form.get('client_secret')];
    if (id !== clientId || secret !== clientSecret) return json(res, 401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type' });
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (!grant || grant.clientId !== id || grant.redirectUri !== form.get('redirect_uri')) return json(res, 400, { error: 'invalid_grant' });
    const verifier = form.get('code_verifier') ?? '';
    if (grant.codeChallenge && createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge) return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verifier does not match' });
    const accessToken = randomBytes(24).toString('hex');
    accessTokens.set(accessToken, grant.user);
    fake.tokensIssued += 1;
    const idToken = await new SignJWT({ ...claimsOf(grant.user), ...(grant.nonce ? { nonce: grant.nonce } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
      .setIssuer(issuer)
      .setAudience(id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          authorization_response_iss_parameter_supported: true,
        });
      }
      if (req.method === 'GET' && url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
      if (req.method === 'GET' && url.pathname === '/authorize') {
        if (url.searchParams.get('client_id') !== clientId) return res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown client');
        const hinted = options.users.find((user) => user.login === url.searchParams.get('login_hint'));
        if (hinted) return approve(res, url.searchParams, hinted);
        const hidden = [...url.searchParams].map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`).join('');
        const buttons = options.users.map((user) => `<button name="login" value="${escapeHtml(user.login)}">Sign in as ${escapeHtml(user.login)}</button>`).join('<br>');
        return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Fake OpenID provider</title><h1>Fake OpenID provider</h1><form method="post" action="/authorize">${hidden}${buttons}</form>`);
      }
      if (req.method === 'POST' && url.pathname === '/authorize') {
        const form = await readForm(req);
        const user = options.users.find((candidate) => candidate.login === form.get('login'));
        if (!user || form.get('client_id') !== clientId) return res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown user or client');
        return approve(res, form, user);
      }
      if (req.method === 'POST' && url.pathname === '/token') return token(req, res);
      if (req.method === 'GET' && url.pathname === '/userinfo') {
        const user = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
        return user ? json(res, 200, claimsOf(user)) : json(res, 401, { error: 'invalid_token' });
      }
      json(res, 404, { error: 'not_found' });
    })().catch((error: unknown) => json(res, 500, { error: 'server_error', error_description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeOidc = { issuer, clientId, clientSecret, tokensIssued: 0, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
  return fake;
}
