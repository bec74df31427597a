/**
 * The local control plane's secrets, kept out of process arguments: an env file (mode 0600) in
 * Flotilla's state directory, handed to `wrangler dev --env-file`. Holds
 * - CREDENTIALS_ENCRYPTION_KEY (AES-256-GCM key for stored credentials): taken from this
 *   process's environment when set, else generated once and kept, so stored credentials survive
 *   restarts;
 * - LOCAL_CLOUD_SECRET, the secret the local cloud requires of the control plane (auth kind
 *   `localCloud`): generated once and kept; the local cloud gets it from here, in memory;
 * - FLOTILLA_API_TOKEN, when the API is to require one (given for this start; not kept);
 * - CLOUDFLARE_API_TOKEN, for node DNS names, when set in this process's environment (not kept);
 * - AUTH_GITHUB_CLIENT_SECRET and AUTH_OIDC_CLIENT_SECRET, the sign-in providers' client secrets,
 *   when set in this process's environment (not kept).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = 'CREDENTIALS_ENCRYPTION_KEY';
const LOCAL_CLOUD_SECRET = 'LOCAL_CLOUD_SECRET';
const API_TOKEN = 'FLOTILLA_API_TOKEN';
const DNS_TOKEN = 'CLOUDFLARE_API_TOKEN';
/** Secrets handed on from this process's environment for this start only. */
const PASSED_SECRETS = [DNS_TOKEN, 'AUTH_GITHUB_CLIENT_SECRET', 'AUTH_OIDC_CLIENT_SECRET'] as const;

export const SECRETS_FILE = 'secrets.env';

export interface StackSecrets {
  /** `<home>/secrets.env`, for `wrangler dev --env-file`. */
  file: string;
  /** The secret the local cloud requires (LOCAL_CLOUD_SECRET). Never logged, never an argument. */
  localCloudSecret: string;
}

/** A value kept in an earlier `secrets.env` (`NAME=value` lines), or undefined. */
function kept(text: string, name: string): string | undefined {
  return text.match(new RegExp(`^${name}=(.+)$`, 'm'))?.[1];
}

/**
 * Write `<home>/secrets.env` for this start (mode 0600) and return its path and the local cloud's secret.
 * @param apiToken - the API token to require, or null for an open API (local default)
 * @throws Error when a token would not fit one env-file line
 */
export function ensureSecretsFile(home: string, env: NodeJS.ProcessEnv = process.env, apiToken: string | null = null): StackSecrets {
  const file = join(home, SECRETS_FILE);
  const earlier = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const key = env[KEY] || kept(earlier, KEY) || randomBytes(32).toString('base64');
  const localCloudSecret = kept(earlier, LOCAL_CLOUD_SECRET) || randomBytes(32).toString('base64url');
  const passed = PASSED_SECRETS.flatMap((name) => (env[name] ? [[name, env[name]] as const] : []));
  if (apiToken !== null && !/^[\x21-\x7e]+$/.test(apiToken)) throw new Error(`${API_TOKEN} must be printable ASCII without spaces`);
  for (const [name, value] of passed) if (!/^[\x21-\x7e]+$/.test(value)) throw new Error(`${name} must be printable ASCII without spaces`);
  const lines = [
    `${KEY}=${key}`,
    `${LOCAL_CLOUD_SECRET}=${localCloudSecret}`,
    ...(apiToken !== null ? [`${API_TOKEN}=${apiToken}`] : []),
    ...passed.map(([name, value]) => `${name}=${value}`),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, localCloudSecret };
}
