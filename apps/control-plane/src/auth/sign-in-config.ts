/**
 * The sign-in settings (issue 14, item 1), read from the Worker's vars and secrets:
 * - GitHub OAuth: AUTH_GITHUB_CLIENT_ID + AUTH_GITHUB_CLIENT_SECRET (both, or it is off);
 *   AUTH_GITHUB_URL (default https://github.com) for the authorize and token pages, GITHUB_API_URL
 *   (default https://api.github.com) for `/user`, `/user/emails`, `/user/orgs`.
 * - Generic OpenID Connect: AUTH_OIDC_ISSUER + AUTH_OIDC_CLIENT_ID + AUTH_OIDC_CLIENT_SECRET (all
 *   three, or it is off); AUTH_OIDC_NAME labels its button (default "OpenID Connect").
 * - The gate: AUTH_ALLOWED_EMAIL_DOMAINS and AUTH_ALLOWED_GITHUB_ORGS (comma lists, empty: anyone),
 *   AUTH_REQUIRE_APPROVAL (`true`: users after the first wait for an admin; default false).
 */
import type { Env } from '../env.js';

export interface GitHubSignIn {
  clientId: string;
  clientSecret: string;
  /** AUTH_GITHUB_URL without a trailing slash. */
  url: string;
  /** GITHUB_API_URL without a trailing slash. */
  apiUrl: string;
}

export interface OidcSignIn {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button's label. */
  name: string;
}

export interface SignInSettings {
  github: GitHubSignIn | null;
  oidc: OidcSignIn | null;
  /** Lower-case email domains; empty: any. */
  allowedEmailDomains: string[];
  /** Lower-case GitHub organization logins; empty: any. */
  allowedGithubOrgs: string[];
  requireApproval: boolean;
}

const text = (value: string | undefined) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const list = (value: string | undefined) =>
  (text(value) ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase().replace(/^@/, ''))
    .filter(Boolean);

/** The sign-in settings of `env` (a provider is off unless all its settings are given). */
export function readSignInSettings(env: Env): SignInSettings {
  const githubId = text(env.AUTH_GITHUB_CLIENT_ID);
  const githubSecret = text(env.AUTH_GITHUB_CLIENT_SECRET);
  const issuer = text(env.AUTH_OIDC_ISSUER);
  const oidcId = text(env.AUTH_OIDC_CLIENT_ID);
  const oidcSecret = text(env.AUTH_OIDC_CLIENT_SECRET);
  return {
    github:
      githubId && githubSecret
        ? {
            clientId: githubId,
            clientSecret: githubSecret,
            url: (text(env.AUTH_GITHUB_URL) ?? 'https://github.com').replace(/\/$/, ''),
            apiUrl: (text(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/$/, ''),
          }
        : null,
    oidc: issuer && oidcId && oidcSecret ? { issuer, clientId: oidcId, clientSecret: oidcSecret, name: text(env.AUTH_OIDC_NAME) ?? 'OpenID Connect' } : null,
    allowedEmailDomains: list(env.AUTH_ALLOWED_EMAIL_DOMAINS),
    allowedGithubOrgs: list(env.AUTH_ALLOWED_GITHUB_ORGS),
    requireApproval: text(env.AUTH_REQUIRE_APPROVAL)?.toLowerCase() === 'true',
  };
}

/** Whether any sign-in provider is configured (then the API needs a signed-in user or the token). */
export const signInConfigured = (settings: SignInSettings) => settings.github !== null || settings.oidc !== null;
