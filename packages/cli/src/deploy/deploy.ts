/**
 * `flotilla deploy` (issue 14, item 7): the control plane onto the user's Cloudflare account, in
 * phases shown as step lines (a spinner on a terminal) on stderr:
 *
 *   1. the D1 database (found, or created)          5. the web app and node daemon artifact built
 *   2. the deployment's wrangler config written      6. the Worker deployed with its assets and crons
 *   3. the migrations not applied yet, applied       7. the URL and the OAuth callback(s) printed
 *   4. the secrets set: CREDENTIALS_ENCRYPTION_KEY generated only when the Worker has none (a re-run
 *      never rotates it: it seals the stored credentials and the signing key the control plane
 *      keeps in D1), and the OAuth client secrets given
 *
 * `--dry-run` calls no Cloudflare API: it prints every step it would take, writes the config and
 * the bundle wrangler would upload (`wrangler deploy --dry-run --outdir`) and lists it.
 * The build directory is `<FLOTILLA_HOME>/deploy/<name>` (default `.flotilla/deploy/<name>`).
 * stdout gets only the Worker's URL and the callback URLs, one per line.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ora from 'ora';
import { flotillaHome } from '../paths.js';
import { composeStackAssets, ensureDaemonArtifact } from '../stack/stack-assets.js';
import { ensureWebAssets, WEB_APP_DIR } from '../stack/web-assets.js';
import { applyRemoteMigrations, deployWorker, dryRunDeploy, findOrCreateDatabase, listSecretNames, putSecrets, workersDevUrl } from './cloudflare-steps.js';
import { cronsOf, deployConfig, migrationsDirOf, readBaseConfig, writeDeployConfig } from './deploy-config.js';
import { callbackUrls, type DeploySettings } from './settings.js';
import type { WranglerOptions } from './wrangler.js';

/** The secret that seals stored credentials and the signing key; made once per Worker. */
export const ENCRYPTION_KEY = 'CREDENTIALS_ENCRYPTION_KEY';
/** D1's id in the config of a dry run, which looks no database up. */
const DRY_RUN_DATABASE_ID = '00000000-0000-0000-0000-000000000000';

/** Runs `work` under a step line: a spinner, then ✔ with what `work` answers (or ✖ and the error). */
async function step<T>(label: string, work: () => Promise<T>, done: (value: T) => string = () => label): Promise<T> {
  const spinner = ora({ text: label, stream: process.stderr }).start();
  try {
    const value = await work();
    spinner.succeed(done(value));
    return value;
  } catch (error) {
    spinner.fail(label);
    throw error;
  }
}

const info = (text: string) => ora({ stream: process.stderr }).info(text);

/** Files under `dir` with their sizes, relative paths sorted. */
function filesOf(dir: string): Array<{ path: string; bytes: number }> {
  const out: Array<{ path: string; bytes: number }> = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push({ path: relative(dir, full), bytes: statSync(full).size });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * Build the static assets: the web app (refused when it cannot be built — a deployment never ships
 * the placeholder page `flotilla up` falls back to) and the node daemon artifact VMs download.
 * @throws Error when either cannot be built
 */
async function buildAssets(buildDir: string): Promise<string> {
  const webDir = await ensureWebAssets(buildDir);
  if (webDir !== join(WEB_APP_DIR, 'dist')) throw new Error(`the web app could not be built (see ${join(webDir, 'index.html')}; npm run build -w @flotilla/web shows why)`);
  return composeStackAssets(buildDir, await ensureDaemonArtifact());
}

/**
 * Deploy (or, with `settings.dryRun`, rehearse) the control plane; returns the exit code.
 * @throws WranglerFailed / Error from the step that failed (its step line is marked failed first)
 */
export async function deploy(settings: DeploySettings, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const buildDir = join(flotillaHome(), 'deploy', settings.name);
  mkdirSync(buildDir, { recursive: true });
  const options: WranglerOptions = { cwd: buildDir, timeoutMs: settings.stepTimeoutMs, env };
  const dry = settings.dryRun;
  if (dry) info(`Dry run: nothing is sent to Cloudflare. Build directory: ${buildDir}`);

  let databaseId = DRY_RUN_DATABASE_ID;
  if (dry) info(`Would find the D1 database ${settings.name}, or create it`);
  else {
    const db = await step(`Finding the D1 database ${settings.name}`, () => findOrCreateDatabase(settings.name, options), (found) => `D1 database ${settings.name} ${found.created ? 'created' : 'found'} (${found.id})`);
    databaseId = db.id;
  }

  const account = dry ? null : settings.account;
  const url =
    settings.baseUrl ??
    (account === null
      ? `https://${settings.name}.<your-subdomain>.workers.dev`
      : await step('Reading the workers.dev URL', () => workersDevUrl(settings.name, account, env, settings.stepTimeoutMs), (found) => `Worker URL ${found}`));

  const assetsDir = join(buildDir, 'assets');
  const vars = { ...settings.vars, ...(dry && !settings.baseUrl ? {} : { BASE_URL: url }) };
  const config = deployConfig(await readBaseConfig(), { name: settings.name, databaseId, assetsDir, vars });
  const configFile = writeDeployConfig(buildDir, config);
  info(`Wrote ${configFile} (vars: ${Object.keys(config.vars ?? {}).sort().join(', ')})`);

  if (dry) {
    const dir = migrationsDirOf(config);
    const files = dir ? readdirSync(dir).filter((file) => file.endsWith('.sql')).sort() : [];
    info(`Would apply the migrations ${settings.name} has not applied yet, of ${files.length}: ${files.join(', ')}`);
    info(`Would set the secrets ${[`${ENCRYPTION_KEY} (generated, unless the Worker has one)`, ...Object.keys(settings.secrets)].join(', ')}`);
  } else {
    await step('Applying D1 migrations', () => applyRemoteMigrations(settings.name, configFile, options), (applied) => (applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'No new migrations'));
    await step('Setting the secrets', async () => {
      const existing = await listSecretNames(configFile, options);
      const secrets: Record<string, string> = { ...settings.secrets };
      if (!existing.includes(ENCRYPTION_KEY)) secrets[ENCRYPTION_KEY] = randomBytes(32).toString('base64');
      if (Object.keys(secrets).length > 0) await putSecrets(configFile, secrets, options);
      return { set: Object.keys(secrets), kept: existing.includes(ENCRYPTION_KEY) };
    }, ({ set, kept }) => `Secrets set: ${set.join(', ')}${kept ? ` (${ENCRYPTION_KEY} kept)` : ''}`);
  }

  const builtAssets = await step('Building the web app and the node daemon artifact', () => buildAssets(buildDir), (dir) => `Built the assets: ${filesOf(dir).length} files in ${dir}`);

  if (dry) {
    const outDir = join(buildDir, 'bundle');
    rmSync(outDir, { recursive: true, force: true });
    await step('Bundling the Worker (wrangler deploy --dry-run)', () => dryRunDeploy(configFile, outDir, options), () => `Bundled the Worker into ${outDir}`);
    process.stderr.write(`The bundle it would upload:\n${filesOf(outDir).map((file) => `  ${file.path}  ${kib(file.bytes)}`).join('\n')}\n`);
    info(`Would deploy the Worker ${settings.name} with ${filesOf(builtAssets).length} assets from ${builtAssets} and the crons ${cronsOf(config).join(', ')}`);
  } else {
    await step(`Deploying the Worker ${settings.name}`, () => deployWorker(configFile, options), () => `Deployed the Worker ${settings.name} with ${filesOf(builtAssets).length} assets and the crons ${cronsOf(config).join(', ')}`);
  }

  const callbacks = callbackUrls(url, settings.providers);
  process.stderr.write(`\n${dry ? 'It would serve' : 'Flotilla is deployed'} at ${url}\nRegister ${callbacks.length > 1 ? 'these OAuth callback URLs' : 'this OAuth callback URL'} with your sign-in provider:\n${callbacks.map((c) => `  ${c}`).join('\n')}\n`);
  process.stdout.write(`${[url, ...callbacks].join('\n')}\n`);
  return 0;
}
