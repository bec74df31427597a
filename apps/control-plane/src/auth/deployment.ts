/**
 * A deployment fails closed (issue 12, DESIGN.md §7): a control plane that is not in local mode
 * serves no API until it is configured — a sign-in provider (auth/sign-in-config.ts) or an API
 * token (FLOTILLA_API_TOKEN), and
 * the key that seals its signing key and credentials (CREDENTIALS_ENCRYPTION_KEY). Until then
 * every request answers 503 `unavailable` saying what to set, except what holds no user data and
 * does nothing: `/health`, the public signing keys (`/.well-known/jwks.json`, itself 503 without
 * the key) and the node daemon download (`/api/node-daemon`, `/api/node-daemon/bundle/:version`,
 * `/api/node-daemon/lockfile/:version`).
 */
import { callbackApi, publicApi, type RouteSpec } from '@flotilla/contracts';
import { unavailable } from '@flotilla/kit';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { readConfig, type Config } from '../config.js';
import { signInConfigured } from './sign-in-config.js';

/** The routes an unconfigured deployment still serves. */
const OPEN_ROUTES: readonly RouteSpec[] = [publicApi.health, publicApi.authProviders, callbackApi.jwks, publicApi.daemonManifest, publicApi.daemonBundle, publicApi.daemonLockfile];

/** `path` of a route (`/a/:b`) as a pattern matching one concrete path. */
const patternOf = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`);
const OPEN_PATTERNS = OPEN_ROUTES.map((route) => patternOf(route.path));

/** What a deployment still lacks, as one sentence; null when it is configured (or in local mode). */
export function deploymentProblem(config: Config): string | null {
  if (config.isLocalMode) return null;
  const missing = [
    config.apiToken === null && !signInConfigured(config.signIn) && 'a sign-in provider (AUTH_GITHUB_CLIENT_ID and AUTH_GITHUB_CLIENT_SECRET, or AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET) or the secret FLOTILLA_API_TOKEN (the token the API requires; e.g. openssl rand -hex 32)',
    config.credentialsKey === null && 'the secret CREDENTIALS_ENCRYPTION_KEY (seals the signing key and stored credentials; openssl rand -base64 32)',
  ].filter((item): item is string => typeof item === 'string');
  if (missing.length === 0) return null;
  return `this deployment is not configured: set ${missing.join(' and ')}. Until then it serves no API (DEPLOYMENT_MODE=local is for a control plane on this machine's loopback only)`;
}

/** Middleware: 503 for every request but the open routes while {@link deploymentProblem} has something to say. */
export const requireConfiguredDeployment: MiddlewareHandler<AppEnv> = async (c, next) => {
  const problem = deploymentProblem(readConfig(c.env));
  if (problem !== null) {
    const path = new URL(c.req.url).pathname;
    if (!(c.req.method === 'GET' && OPEN_PATTERNS.some((pattern) => pattern.test(path)))) throw unavailable(problem, { retryable: false });
  }
  await next();
};
