/**
 * The local control plane's secrets, kept out of process arguments: an env file (mode 0600) in
 * Flotilla's state directory, handed to `wrangler dev --env-file`. Holds
 * CREDENTIALS_ENCRYPTION_KEY (AES-256-GCM key for stored credentials): taken from this process's
 * environment when set, else generated once and kept, so stored credentials survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = 'CREDENTIALS_ENCRYPTION_KEY';

/** Write (or keep) `<home>/secrets.env` and return its path. */
export function ensureSecretsFile(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = join(home, 'secrets.env');
  const fromEnv = env[KEY];
  const existing = existsSync(file) ? readFileSync(file, 'utf8').match(new RegExp(`^${KEY}=(.+)$`, 'm'))?.[1] : undefined;
  const key = fromEnv || existing || randomBytes(32).toString('base64');
  if (key !== existing) writeFileSync(file, `${KEY}=${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
