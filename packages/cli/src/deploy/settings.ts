/**
 * What `flotilla deploy` deploys with, read from its flags and environment and checked before
 * anything is called (issue 14, item 7):
 * - the Cloudflare account: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (not needed for a dry run);
 * - a sign-in configuration, the same names the control plane reads
 *   (apps/control-plane/src/auth/sign-in-config.ts): GitHub (AUTH_GITHUB_CLIENT_ID +
 *   AUTH_GITHUB_CLIENT_SECRET) or OpenID Connect (AUTH_OIDC_ISSUER + AUTH_OIDC_CLIENT_ID +
 *   AUTH_OIDC_CLIENT_SECRET). Without one a deployment would serve no API
 *   (apps/control-plane/src/auth/deployment.ts), so it is refused here;
 * - the Worker's vars: every control-plane setting set in the environment (timeouts, limits,
 *   CONTROL_PLANE_STRING_VARS with the AUTH_* allowlists and approval gate, as `flotilla up`
 *   forwards them), BASE_URL from `--base-url` or FLOTILLA_BASE_URL;
 * - the secrets it passes on: the OAuth client secrets (CLOUDFLARE_API_TOKEN, the deploy token, is
 *   never handed to the Worker).
 */
import { controlPlaneVarsFromEnv } from '../stack/stack.js';

/** How long one wrangler step may take, in ms, unless FLOTILLA_DEPLOY_STEP_TIMEOUT_MS says otherwise. */
export const DEFAULT_DEPLOY_STEP_TIMEOUT_MS = 10 * 60 * 1000;
/** The Worker's name (and its D1 database's) unless `--name` says otherwise. */
export const DEFAULT_WORKER_NAME = 'flotilla';

/** The sign-in providers' client secrets, set as Worker secrets when given. */
export const CLIENT_SECRETS = ['AUTH_GITHUB_CLIENT_SECRET', 'AUTH_OIDC_CLIENT_SECRET'] as const;

export interface DeployFlags {
  name?: string;
  baseUrl?: string;
  dryRun?: boolean;
}

export interface DeploySettings {
  /** The Worker's name; its D1 database has the same name. */
  name: string;
  /** Null for a dry run, which calls no Cloudflare API. */
  account: { apiToken: string; accountId: string } | null;
  dryRun: boolean;
  /** BASE_URL without a trailing slash, or null: the workers.dev URL is used. */
  baseUrl: string | null;
  /** Plain vars for the Worker (BASE_URL not among them: it is known only once the URL is). */
  vars: Record<string, string>;
  /** Secrets to set on every deploy (the OAuth client secrets), by name. Never printed. */
  secrets: Record<string, string>;
  /** Which sign-in providers are configured, for the callback URLs to print. */
  providers: Array<'github' | 'oidc'>;
  stepTimeoutMs: number;
}

/** A refusal to deploy: the CLI prints its message and exits 1. */
export class DeployRefused extends Error {}

const text = (value: string | undefined) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The sentence `flotilla deploy` refuses with when no sign-in provider is configured. */
export const NO_SIGN_IN_MESSAGE =
  'refusing to deploy without a sign-in configuration: a deployed control plane serves no API to anyone who cannot sign in. Set AUTH_GITHUB_CLIENT_ID and AUTH_GITHUB_CLIENT_SECRET (a GitHub OAuth app), or AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET (an OpenID Connect client), then run it again';

/** The providers whose every setting is given (as the control plane decides it: all, or it is off). */
export function configuredProviders(env: NodeJS.ProcessEnv): Array<'github' | 'oidc'> {
  const providers: Array<'github' | 'oidc'> = [];
  if (text(env.AUTH_GITHUB_CLIENT_ID) && text(env.AUTH_GITHUB_CLIENT_SECRET)) providers.push('github');
  if (text(env.AUTH_OIDC_ISSUER) && text(env.AUTH_OIDC_CLIENT_ID) && text(env.AUTH_OIDC_CLIENT_SECRET)) providers.push('oidc');
  return providers;
}

/**
 * Read and check the deploy settings.
 * @throws DeployRefused without a sign-in provider, without CLOUDFLARE_API_TOKEN /
 *   CLOUDFLARE_ACCOUNT_ID (unless a dry run), with a bad `--name`, `--base-url` or
 *   FLOTILLA_DEPLOY_STEP_TIMEOUT_MS — each naming what to set
 */
export function readDeploySettings(flags: DeployFlags, env: NodeJS.ProcessEnv = process.env): DeploySettings {
  const providers = configuredProviders(env);
  if (providers.length === 0) throw new DeployRefused(NO_SIGN_IN_MESSAGE);
  const name = flags.name ?? DEFAULT_WORKER_NAME;
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) throw new DeployRefused(`--name must be a Worker name: lower-case letters, digits and dashes, 1–63 long, not starting or ending with a dash; got ${name}`);
  const dryRun = flags.dryRun === true;
  const apiToken = text(env.CLOUDFLARE_API_TOKEN);
  const accountId = text(env.CLOUDFLARE_ACCOUNT_ID);
  if (!dryRun && (!apiToken || !accountId)) {
    const missing = [!apiToken && 'CLOUDFLARE_API_TOKEN', !accountId && 'CLOUDFLARE_ACCOUNT_ID'].filter(Boolean).join(' and ');
    throw new DeployRefused(`set ${missing} (a Cloudflare API token with the permissions "Workers Scripts: Edit" and "D1: Edit", and your account's id) to deploy, or use --dry-run`);
  }
  const rawBaseUrl = text(flags.baseUrl) ?? text(env.FLOTILLA_BASE_URL);
  let baseUrl: string | null = null;
  if (rawBaseUrl) {
    const parsed = URL.canParse(rawBaseUrl) ? new URL(rawBaseUrl) : null;
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) throw new DeployRefused(`--base-url (FLOTILLA_BASE_URL) must be an http(s) URL, got ${rawBaseUrl}`);
    baseUrl = rawBaseUrl.replace(/\/+$/, '');
  }
  const timeout = text(env.FLOTILLA_DEPLOY_STEP_TIMEOUT_MS);
  const stepTimeoutMs = timeout === undefined ? DEFAULT_DEPLOY_STEP_TIMEOUT_MS : Number(timeout);
  if (!Number.isFinite(stepTimeoutMs) || stepTimeoutMs <= 0) throw new DeployRefused(`FLOTILLA_DEPLOY_STEP_TIMEOUT_MS must be a positive number of milliseconds, got ${timeout}`);
  const { BASE_URL: _ignored, ...vars } = controlPlaneVarsFromEnv(env);
  const secrets: Record<string, string> = {};
  for (const secret of CLIENT_SECRETS) {
    const value = text(env[secret]);
    if (value !== undefined) secrets[secret] = value;
  }
  return { name, account: apiToken && accountId ? { apiToken, accountId } : null, dryRun, baseUrl, vars, secrets, providers, stepTimeoutMs };
}

/** The OAuth callback URLs to register with the providers, for a control plane at `url`. */
export function callbackUrls(url: string, providers: DeploySettings['providers']): string[] {
  return providers.map((provider) => `${url}/api/auth/${provider}/callback`);
}
