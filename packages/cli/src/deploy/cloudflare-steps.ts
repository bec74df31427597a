/**
 * The Cloudflare steps of `flotilla deploy`, each one wrangler command (wrangler.ts) against the
 * account in CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID:
 * - the D1 database: found by name (`d1 list --json`) or created (`d1 create`);
 * - its migrations: `d1 migrations apply --remote` (wrangler keeps the applied ones in the
 *   database's `d1_migrations` table, so a re-run applies only new ones);
 * - the Worker's secrets: listed first (`secret list`; a Worker not made yet has none), then the
 *   missing or given ones set at once (`secret bulk`, the values through stdin);
 * - the deploy itself (`deploy`, or `deploy --dry-run --outdir` for a dry run).
 * Plus one call of our own: the account's workers.dev subdomain (`GET
 * /accounts/{id}/workers/subdomain`, at CLOUDFLARE_API_BASE_URL like wrangler), for the Worker's
 * URL before it is deployed.
 */
import { wrangler, runWrangler, WranglerFailed, type WranglerOptions } from './wrangler.js';

/** Cloudflare's API unless CLOUDFLARE_API_BASE_URL (wrangler's own setting) says otherwise. */
export const DEFAULT_CLOUDFLARE_API_BASE_URL = 'https://api.cloudflare.com/client/v4';

/**
 * The id of the D1 database `name`, created when the account has none by that name.
 * @throws WranglerFailed when wrangler does; Error when the database is still not listed after creating it
 */
export async function findOrCreateDatabase(name: string, options: WranglerOptions): Promise<{ id: string; created: boolean }> {
  const list = async () => (JSON.parse(await wrangler(['d1', 'list', '--json'], options)) as Array<{ uuid: string; name: string }>).find((db) => db.name === name);
  const found = await list();
  if (found) return { id: found.uuid, created: false };
  await wrangler(['d1', 'create', name], options);
  const created = await list();
  if (!created) throw new Error(`the D1 database ${name} was created but is not listed`);
  return { id: created.uuid, created: true };
}

/**
 * Apply the migrations not applied yet to the remote database; returns the names of those applied now.
 * @throws WranglerFailed when one fails (wrangler stops there; the ones before it stay applied)
 */
export async function applyRemoteMigrations(database: string, configFile: string, options: WranglerOptions): Promise<string[]> {
  const output = await wrangler(['d1', 'migrations', 'apply', database, '--remote', '--config', configFile], options);
  // wrangler prints its table again after each migration: each name once, in order.
  return [...new Set([...output.matchAll(/│\s*(\S+\.sql)\s*│\s*✅/g)].map((match) => match[1] ?? ''))];
}

/**
 * The names of the Worker's secrets; none for a Worker that does not exist yet.
 * @throws WranglerFailed for any other failure
 */
export async function listSecretNames(configFile: string, options: WranglerOptions): Promise<string[]> {
  const args = ['secret', 'list', '--config', configFile, '--format', 'json'];
  const result = await runWrangler(args, options);
  if (result.code !== 0) {
    if (/Worker "[^"]+" not found/.test(`${result.stderr}${result.stdout}`)) return [];
    throw new WranglerFailed(args, result);
  }
  return (JSON.parse(result.stdout) as Array<{ name: string }>).map((secret) => secret.name);
}

/**
 * Set `secrets` on the Worker in one go (a Worker not made yet is created empty first, by wrangler).
 * The values go through stdin only.
 * @throws WranglerFailed when wrangler does (its output holds no value)
 */
export async function putSecrets(configFile: string, secrets: Record<string, string>, options: WranglerOptions): Promise<void> {
  await wrangler(['secret', 'bulk', '--config', configFile], { ...options, input: JSON.stringify(secrets) });
}

/**
 * Deploy the Worker with its assets and cron triggers (all in the config).
 * @throws WranglerFailed when the deploy fails
 */
export async function deployWorker(configFile: string, options: WranglerOptions): Promise<void> {
  await wrangler(['deploy', '--config', configFile], options);
}

/**
 * Bundle the Worker as it would be uploaded, without calling Cloudflare, into `outDir`.
 * @throws WranglerFailed when the bundle fails
 */
export async function dryRunDeploy(configFile: string, outDir: string, options: WranglerOptions): Promise<void> {
  await wrangler(['deploy', '--config', configFile, '--dry-run', '--outdir', outDir], options);
}

/**
 * The Worker's workers.dev URL, `https://<name>.<subdomain>.workers.dev`.
 * @throws Error naming the setting to use instead when the account has no workers.dev subdomain
 *   or Cloudflare cannot be asked
 */
export async function workersDevUrl(name: string, account: { apiToken: string; accountId: string }, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const base = (env.CLOUDFLARE_API_BASE_URL || DEFAULT_CLOUDFLARE_API_BASE_URL).replace(/\/+$/, '');
  const response = await fetch(`${base}/accounts/${encodeURIComponent(account.accountId)}/workers/subdomain`, {
    headers: { authorization: `Bearer ${account.apiToken}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json().catch(() => null)) as { success?: boolean; result?: { subdomain?: string } } | null;
  const subdomain = body?.result?.subdomain;
  if (!response.ok || !subdomain) {
    throw new Error(`could not read the account's workers.dev subdomain (HTTP ${response.status}): register one in the Cloudflare dashboard (Workers & Pages), then run it again`);
  }
  return `https://${name}.${subdomain}.workers.dev`;
}
