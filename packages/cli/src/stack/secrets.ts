/**
 * The local control plane's secrets, kept out of process arguments: an env file (mode 0600) in
 * Flotilla's state directory, handed to `wrangler dev --env-file`. Holds
 * - CREDENTIALS_ENCRYPTION_KEY (AES-256-GCM key for stored credentials): taken from this
 *   process's environment when set, else generated once and kept, so stored credentials survive
 *   restarts;
 * - FLOTILLA_API_TOKEN, when the API is to require one (given for this start; not kept);
 * - CLOUDFLARE_API_TOKEN, for node DNS names, when set in this process's environment (not kept).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = 'CREDENTIALS_ENCRYPTION_KEY';
const API_TOKEN = 'FLOTILLA_API_TOKEN';
const DNS_TOKEN = 'CLOUDFLARE_API_TOKEN';

/**
 * Write `<home>/secrets.env` for this start and return its path.
 * @param apiToken - the API token to require, or null for an open API (local default)
 * @throws Error when the token would not fit one env-file line
 */
export function ensureSecretsFile(home: string, env: NodeJS.ProcessEnv = process.env, apiToken: string | null = null): string {
  const file = join(home, 'secrets.env');
  const existing = existsSync(file) ? readFileSync(file, 'utf8').match(new RegExp(`^${KEY}=(.+)$`, 'm'))?.[1] : undefined;
  const key = env[KEY] || existing || randomBytes(32).toString('base64');
  const dnsToken = env[DNS_TOKEN] || null;
  if (apiToken !== null && !/^[\x21-\x7e]+$/.test(apiToken)) throw new Error(`${API_TOKEN} must be printable ASCII without spaces`);
  if (dnsToken !== null && !/^[\x21-\x7e]+$/.test(dnsToken)) throw new Error(`${DNS_TOKEN} must be printable ASCII without spaces`);
  const lines = [`${KEY}=${key}`, ...(apiToken !== null ? [`${API_TOKEN}=${apiToken}`] : []), ...(dnsToken !== null ? [`${DNS_TOKEN}=${dnsToken}`] : [])];
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
