/**
 * Handlers of sign-in with GitHub or OpenID Connect (contracts `publicApi`, issue 14 item 1):
 * - `GET /api/auth/providers` → the configured providers and whether the API token form applies.
 * - `GET /api/auth/:provider/start?returnTo=` → 302 to the provider; the state, PKCE verifier and
 *   nonce kept in D1 for AUTH_SIGN_IN_TIMEOUT_MS, the state also in a short-lived cookie of this
 *   browser. 404 for a provider that is not configured; 503 when the provider's discovery fails.
 * - `GET /api/auth/:provider/callback` → the session cookie and 302 to returnTo; a refused or
 *   failed sign-in is a 302 to `/?signInRefused=<code>` (contracts SignInRefusal), where the web
 *   app says why in plain words. No user row is made for a refused sign-in.
 * The redirect URI is this request's own origin + `/api/auth/<provider>/callback`.
 */
import { type SignInRefusal } from '@flotilla/contracts';
import { createLogger, notFound, unavailable } from '@flotilla/kit';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, PublicHandlers } from '../app-env.js';
import { readConfig } from '../config.js';
import { newUserStatus, refusalOf } from './sign-in-gate.js';
import { newChallenge, signInFlow } from './sign-in-providers.js';
import { safeReturnTo, SIGN_IN_STATE_COOKIE, stateMatches } from './sign-in-state.js';
import { startUserSession } from './user-sessions.js';
import { recordAuditEvent } from '../audit/record.js';
import { acceptInvites } from '../members/invites.js';
import { insertSignInAttempt, takeSignInAttempt, upsertUser } from './users-repository.js';

const log = createLogger('sign-in');
const STATE_COOKIE_PATH = '/api/auth';

const redirectUriOf = (c: Context<AppEnv>, provider: string) => `${new URL(c.req.url).origin}/api/auth/${provider}/callback`;

/** 302 to the web app's page saying why the sign-in was refused. */
function refused(c: Context<AppEnv>, code: SignInRefusal): Response {
  deleteCookie(c, SIGN_IN_STATE_COOKIE, { path: STATE_COOKIE_PATH });
  return c.redirect(`/?signInRefused=${code}`, 302);
}

export const signInHandlers: PublicHandlers<'authProviders' | 'signInStart' | 'signInCallback'> = {
  authProviders: (_request, c) => {
    const config = readConfig(c.env);
    const { github, oidc } = config.signIn;
    return {
      providers: [...(github ? [{ id: 'github' as const, name: 'GitHub' }] : []), ...(oidc ? [{ id: 'oidc' as const, name: oidc.name }] : [])],
      apiToken: config.apiToken !== null,
    };
  },

  signInStart: async ({ params, query }, c) => {
    const config = readConfig(c.env);
    const flow = signInFlow(config.signIn, params.provider, config.AUTH_PROVIDER_TIMEOUT_MS);
    if (!flow) throw notFound(`sign-in with ${params.provider} is not configured on this control plane`);
    const challenge = newChallenge(params.provider);
    const now = Date.now();
    await insertSignInAttempt(
      c.env.DB,
      { ...challenge, provider: params.provider, returnTo: safeReturnTo(query.returnTo), expiresAt: new Date(now + config.AUTH_SIGN_IN_TIMEOUT_MS).toISOString() },
      new Date(now).toISOString(),
    );
    setCookie(c, SIGN_IN_STATE_COOKIE, challenge.state, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: STATE_COOKIE_PATH,
      maxAge: Math.ceil(config.AUTH_SIGN_IN_TIMEOUT_MS / 1000),
    });
    let authorizationUrl: URL;
    try {
      authorizationUrl = await flow.authorizationUrl(challenge, redirectUriOf(c, params.provider));
    } catch (error) {
      log.warn('sign-in provider could not be asked', { provider: params.provider, error: error instanceof Error ? error.message : String(error) });
      throw unavailable(`the sign-in provider (${params.provider}) did not answer as expected: try again later`, { retryable: true });
    }
    return c.redirect(authorizationUrl.href, 302);
  },

  signInCallback: async ({ params }, c) => {
    const config = readConfig(c.env);
    const flow = signInFlow(config.signIn, params.provider, config.AUTH_PROVIDER_TIMEOUT_MS);
    if (!flow) throw notFound(`sign-in with ${params.provider} is not configured on this control plane`);
    const url = new URL(c.req.url);
    const state = url.searchParams.get('state');
    if (!stateMatches(state, getCookie(c, SIGN_IN_STATE_COOKIE))) {
      log.warn('sign-in callback refused: its state is not this browser\'s', { provider: params.provider });
      return refused(c, 'failed');
    }
    const attempt = await takeSignInAttempt(c.env.DB, state ?? '');
    if (!attempt || attempt.provider !== params.provider || Date.parse(attempt.expiresAt) <= Date.now()) {
      log.warn('sign-in callback refused: unknown, used or expired state', { provider: params.provider });
      return refused(c, 'failed');
    }
    let identity;
    try {
      identity = await flow.finish(url, attempt, redirectUriOf(c, params.provider));
    } catch (error) {
      log.warn('sign-in failed at the provider', { provider: params.provider, error: error instanceof Error ? error.message : String(error) });
      return refused(c, 'failed');
    }
    const refusal = refusalOf(config.signIn, identity);
    if (refusal) {
      log.info('sign-in refused by the allowlist', { provider: params.provider, login: identity.profile.login, refusal });
      await recordAuditEvent(c.env.DB, { projectId: null, actor: { userId: null, tokenId: null }, action: 'sign_in.refused', target: { kind: 'session', id: params.provider }, detail: { ip: c.req.header('cf-connecting-ip') ?? null, method: params.provider, reason: refusal, login: identity.profile.login } });
      return refused(c, refusal);
    }
    const user = await upsertUser(c.env.DB, { ...identity.profile, emailVerified: identity.emailVerified }, newUserStatus(config.signIn), new Date().toISOString());
    // Invites waiting for this GitHub login or verified email become memberships (members/invites.ts).
    await acceptInvites(c.env.DB, user, identity.emailVerified);
    await startUserSession(c, user.id);
    await recordAuditEvent(c.env.DB, { projectId: null, actor: { userId: user.id, tokenId: null }, action: 'sign_in.succeeded', target: { kind: 'session', id: params.provider }, detail: { ip: c.req.header('cf-connecting-ip') ?? null, method: params.provider } });
    deleteCookie(c, SIGN_IN_STATE_COOKIE, { path: STATE_COOKIE_PATH });
    log.info('signed in', { provider: params.provider, userId: user.id, status: user.status });
    return c.redirect(attempt.returnTo, 302);
  },
};
