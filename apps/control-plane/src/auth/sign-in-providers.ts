/**
 * The two sign-in protocols, through oauth4webapi (authorization code flow with PKCE and state;
 * for OpenID Connect also a nonce and the ID token's checks — issuer, audience, expiry, nonce):
 * - `oidc`: any OpenID Connect provider found by discovery at AUTH_OIDC_ISSUER; who signs in comes
 *   from the ID token (and the userinfo endpoint when the token has no email).
 * - `github`: GitHub's OAuth app flow (plain OAuth 2, AUTH_GITHUB_URL), then `/user`,
 *   `/user/emails` and `/user/orgs` of GITHUB_API_URL with the access token.
 * Plain http is allowed only for a provider on this machine's loopback (tests, a local IdP).
 * Every request to the provider is limited by AUTH_PROVIDER_TIMEOUT_MS.
 */
import type { SignInProvider } from '@flotilla/contracts';
import * as oauth from 'oauth4webapi';
import type { Profile } from './users-repository.js';
import type { GitHubSignIn, OidcSignIn, SignInSettings } from './sign-in-config.js';

/** Who signed in, and what the allowlists need to know. */
export interface Identity {
  profile: Profile;
  /** Whether the provider vouches for the email (OIDC `email_verified`; GitHub: a verified primary email). */
  emailVerified: boolean;
  /** GitHub organization logins (lower case); null for OIDC. */
  githubOrgs: string[] | null;
}

/** What the start of a sign-in made, kept until the callback (users-repository `sign_in_attempts`). */
export interface Challenge {
  state: string;
  codeVerifier: string;
  nonce: string | null;
}

/** One provider's flow. */
export interface SignInFlow {
  /** The provider's authorization page for `challenge`, coming back to `redirectUri`. */
  authorizationUrl(challenge: Challenge, redirectUri: string): Promise<URL>;
  /**
   * Exchange the callback's code for who signed in.
   * @throws Error (oauth4webapi's, or naming the failing request) when the provider refused, the
   *   state or the ID token does not check out, or a request failed
   */
  finish(callbackUrl: URL, challenge: Challenge, redirectUri: string): Promise<Identity>;
}

/** Start a challenge: random state, PKCE verifier and (OIDC) nonce. */
export function newChallenge(provider: SignInProvider): Challenge {
  return { state: oauth.generateRandomState(), codeVerifier: oauth.generateRandomCodeVerifier(), nonce: provider === 'oidc' ? oauth.generateRandomNonce() : null };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const requestOptions = (url: string, timeoutMs: number) => ({ [oauth.allowInsecureRequests]: LOOPBACK.has(new URL(url).hostname), signal: () => AbortSignal.timeout(timeoutMs) });

async function authorizationUrl(as: oauth.AuthorizationServer, clientId: string, scope: string, challenge: Challenge, redirectUri: string): Promise<URL> {
  if (!as.authorization_endpoint) throw new Error(`the sign-in provider ${as.issuer} names no authorization endpoint`);
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', scope);
  url.searchParams.set('state', challenge.state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(challenge.codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  if (challenge.nonce) url.searchParams.set('nonce', challenge.nonce);
  return url;
}

function oidcFlow(settings: OidcSignIn, timeoutMs: number): SignInFlow {
  const options = requestOptions(settings.issuer, timeoutMs);
  const client: oauth.Client = { client_id: settings.clientId };
  const discover = async () => {
    const issuer = new URL(settings.issuer);
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options }));
  };
  return {
    authorizationUrl: async (challenge, redirectUri) => authorizationUrl(await discover(), settings.clientId, 'openid email profile', challenge, redirectUri),
    async finish(callbackUrl, challenge, redirectUri) {
      const as = await discover();
      const params = oauth.validateAuthResponse(as, client, callbackUrl, challenge.state);
      const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(settings.clientSecret), params, redirectUri, challenge.codeVerifier, options);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: challenge.nonce ?? oauth.expectNoNonce, requireIdToken: true });
      const claims = oauth.getValidatedIdTokenClaims(tokens);
      if (!claims) throw new Error('the sign-in provider sent no ID token');
      let info: Record<string, unknown> = claims;
      if (typeof claims.email !== 'string' && as.userinfo_endpoint) {
        info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, options));
      }
      const str = (key: string) => (typeof info[key] === 'string' && info[key] !== '' ? (info[key] as string) : null);
      const email = str('email');
      return {
        profile: { provider: 'oidc', subject: claims.sub, login: str('preferred_username') ?? email ?? claims.sub, email, name: str('name'), avatarUrl: str('picture') },
        emailVerified: email !== null && info.email_verified === true,
        githubOrgs: null,
      };
    },
  };
}

function githubFlow(settings: GitHubSignIn, timeoutMs: number): SignInFlow {
  const options = requestOptions(settings.url, timeoutMs);
  const as: oauth.AuthorizationServer = { issuer: settings.url, authorization_endpoint: `${settings.url}/login/oauth/authorize`, token_endpoint: `${settings.url}/login/oauth/access_token` };
  const client: oauth.Client = { client_id: settings.clientId };
  /** GET `path` of GitHub's API with the user's access token. @throws Error naming the path and status */
  const api = async <T>(accessToken: string, path: string): Promise<T> => {
    const response = await fetch(`${settings.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'flotilla-control-plane' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`GitHub answered ${response.status} to GET ${path}`);
    return (await response.json()) as T;
  };
  return {
    authorizationUrl: (challenge, redirectUri) => authorizationUrl(as, settings.clientId, 'read:user user:email read:org', challenge, redirectUri),
    async finish(callbackUrl, challenge, redirectUri) {
      const params = oauth.validateAuthResponse(as, client, callbackUrl, challenge.state);
      const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretPost(settings.clientSecret), params, redirectUri, challenge.codeVerifier, options);
      const { access_token: token } = await oauth.processAuthorizationCodeResponse(as, client, response);
      const user = await api<{ id: number; login: string; name?: string | null; avatar_url?: string | null }>(token, '/user');
      const emails = await api<Array<{ email: string; primary: boolean; verified: boolean }>>(token, '/user/emails');
      const orgs = await api<Array<{ login: string }>>(token, '/user/orgs');
      const primary = emails.find((entry) => entry.primary) ?? null;
      return {
        profile: { provider: 'github', subject: String(user.id), login: user.login, email: primary?.email ?? null, name: user.name ?? null, avatarUrl: user.avatar_url ?? null },
        emailVerified: primary?.verified === true,
        githubOrgs: orgs.map((org) => org.login.toLowerCase()),
      };
    },
  };
}

/** The flow of `provider`, or null when it is not configured. */
export function signInFlow(settings: SignInSettings, provider: SignInProvider, timeoutMs: number): SignInFlow | null {
  if (provider === 'github') return settings.github ? githubFlow(settings.github, timeoutMs) : null;
  return settings.oidc ? oidcFlow(settings.oidc, timeoutMs) : null;
}
