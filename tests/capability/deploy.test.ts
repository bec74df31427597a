/**
 * Capability: `flotilla deploy` (issue 14, item 7) as a user runs it — the CLI binary, a child
 * process — against the testkit's fake Cloudflare Workers + D1 API, which records what the pinned
 * wrangler sends (CLOUDFLARE_API_BASE_URL points wrangler at it; HOME and XDG_CONFIG_HOME at a
 * temporary directory, so no real wrangler login is read; metrics off). Every step goes through
 * the fake, the static assets upload protocol included; the dry run is tested on its own (no
 * request at all, the bundle written).
 */
import { startFakeWorkersApi, type FakeWorkersApi } from '@flotilla/testkit/fake-cloudflare/workers';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type CliResult } from './cli-support.js';

const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../apps/control-plane/migrations');
const MIGRATIONS = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.sql')).sort();
const CLIENT_SECRET = 'github-client-secret-d3adb33f';
const NO_SIGN_IN = 'refusing to deploy without a sign-in configuration';

/** This process's environment without anything that would configure a deploy (or reach a real account). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AUTH_|CLOUDFLARE_|CF_|WRANGLER_|FLOTILLA_BASE_URL$)/.test(key)));
}

/** Run `flotilla deploy <args>` with exactly `env`. */
function deploy(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, 'deploy', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/** The SQL of a migration file as wrangler sends it (the file, then its row in d1_migrations). */
const migrationSent = (fake: FakeWorkersApi, file: string) => {
  const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
  return fake.d1.queries.filter((q) => q.sql.startsWith(sql) && q.sql.includes(`values ('${file}')`)).length;
};
const migrationsSent = (fake: FakeWorkersApi) => MIGRATIONS.filter((file) => migrationSent(fake, file) > 0);

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));

describe('flotilla deploy', () => {
  let fake: FakeWorkersApi;
  let env: NodeJS.ProcessEnv;
  let home: string;
  let root: string;

  beforeAll(async () => {
    fake = await startFakeWorkersApi({ subdomain: 'our-team' });
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-deploy-'));
    root = dir;
    home = join(dir, '.flotilla');
    mkdirSync(join(dir, 'home'));
    env = {
      ...cleanEnv(),
      FLOTILLA_HOME: home,
      HOME: join(dir, 'home'),
      XDG_CONFIG_HOME: join(dir, 'home/.config'),
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_API_BASE_URL: fake.url,
      CLOUDFLARE_API_TOKEN: fake.token,
      CLOUDFLARE_ACCOUNT_ID: fake.accountId,
      AUTH_GITHUB_CLIENT_ID: 'Iv1.deploytest',
      AUTH_GITHUB_CLIENT_SECRET: CLIENT_SECRET,
      AUTH_ALLOWED_GITHUB_ORGS: 'our-team',
    };
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('refuses without a sign-in configuration, before calling Cloudflare', async () => {
    const { AUTH_GITHUB_CLIENT_SECRET: _secret, ...withoutSecret } = env;
    for (const partial of [withoutSecret, { ...env, AUTH_GITHUB_CLIENT_ID: '', AUTH_OIDC_ISSUER: 'https://id.example.com', AUTH_OIDC_CLIENT_ID: 'x' }]) {
      const result = await deploy([], partial);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(NO_SIGN_IN);
      expect(result.stderr).toContain('AUTH_GITHUB_CLIENT_ID and AUTH_GITHUB_CLIENT_SECRET');
      expect(result.stderr).toContain('AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET');
    }
    const { CLOUDFLARE_API_TOKEN: _token, ...withoutToken } = env;
    const noToken = await deploy([], withoutToken);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('set CLOUDFLARE_API_TOKEN (a Cloudflare API token');
    expect(fake.requests).toEqual([]);
  });

  it('a dry run prints every step and writes the bundle, calling no Cloudflare API', async () => {
    const result = await deploy(['--dry-run', '--name', 'rehearsal'], env);
    expect(result.code, result.stderr).toBe(0);
    for (const line of ['Would find the D1 database rehearsal', 'Would apply the migrations', 'Would set the secrets CREDENTIALS_ENCRYPTION_KEY', 'The bundle it would upload:', 'index.js', 'Would deploy the Worker rehearsal']) {
      expect(result.stderr).toContain(line);
    }
    const build = join(home, 'deploy/rehearsal');
    expect(readdirSync(join(build, 'bundle'))).toContain('index.js');
    expect(existsSync(join(build, 'assets/index.html'))).toBe(true);
    expect(existsSync(join(build, 'assets/_flotilla/node-daemon/manifest.json'))).toBe(true);
    expect(result.stdout.trim().split('\n')).toEqual(['https://rehearsal.<your-subdomain>.workers.dev', 'https://rehearsal.<your-subdomain>.workers.dev/api/auth/github/callback']);
    expect(fake.requests).toEqual([]);
  });

  it('deploys: creates D1, applies the migrations, sets the secrets, uploads the Worker with its assets and crons; a re-run upgrades without re-creating or rotating', async () => {
    const url = `https://flotilla.our-team.workers.dev`;
    const first = await deploy([], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([url, `${url}/api/auth/github/callback`]);
    expect(first.stderr).toContain(`Applied ${MIGRATIONS.length} migration(s)`);

    // D1: created once, every migration's SQL sent to its query endpoint, the schema there.
    const creates = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/d1/database'));
    expect(creates().map((r) => r.body)).toEqual([{ name: 'flotilla' }]);
    const db = fake.d1.findByName('flotilla');
    expect(db).toBeDefined();
    expect(migrationsSent(fake)).toEqual(MIGRATIONS);
    expect(fake.d1.tables(db?.uuid ?? '')).toEqual(expect.arrayContaining(['d1_migrations', 'projects', 'tasks', 'users', 'user_sessions']));

    // Secrets: the generated key (32 bytes, base64) and the OAuth client secret.
    const script = fake.scripts.get('flotilla');
    const key = script?.secrets.get('CREDENTIALS_ENCRYPTION_KEY') ?? '';
    expect(Buffer.from(key, 'base64').byteLength).toBe(32);
    expect(script?.secrets.get('AUTH_GITHUB_CLIENT_SECRET')).toBe(CLIENT_SECRET);

    // The Worker: its code, the assets (web app and node daemon artifact), the crons, the vars.
    expect(Object.keys(script?.modules ?? {})).toContain('index.js');
    expect(Object.keys(script?.assets ?? {})).toEqual(expect.arrayContaining(['/index.html', '/_flotilla/node-daemon/manifest.json', '/_flotilla/node-daemon/node-daemon.mjs']));
    expect(script?.crons).toEqual(['*/5 * * * *', '*/15 * * * *']);
    const vars = Object.fromEntries(((script?.metadata.bindings ?? []) as Array<{ type: string; name: string; text?: string }>).filter((b) => b.type === 'plain_text').map((b) => [b.name, b.text]));
    expect(vars).toMatchObject({ DEPLOYMENT_MODE: 'deployed', BASE_URL: url, AUTH_GITHUB_CLIENT_ID: 'Iv1.deploytest', AUTH_ALLOWED_GITHUB_ORGS: 'our-team' });
    const bindings = (script?.metadata.bindings ?? []) as Array<{ type: string; name: string }>;
    expect(bindings).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'd1', name: 'DB', id: db?.uuid }), expect.objectContaining({ type: 'assets', name: 'ASSETS' })]));
    expect((script?.metadata.migrations as { new_tag?: string } | undefined)?.new_tag).toBe('v5');

    // No secret value in the output, nor in any file written — the generated config, the build,
    // wrangler's own logs and state (under the temporary HOME and the build directory).
    expect(readFileSync(join(home, 'deploy/flotilla/wrangler.json'), 'utf8')).toContain('"DEPLOYMENT_MODE": "deployed"');
    const files = filesUnder(root);
    expect(files.some((file) => file.includes('/.wrangler/logs/'))).toBe(true);
    for (const text of [first.stdout, first.stderr, ...files.map((file) => readFileSync(file, 'latin1'))]) {
      expect(text.includes(key) || text.includes(CLIENT_SECRET)).toBe(false);
    }
    expect(fake.requests.filter((r) => !r.authorized || r.unknown)).toEqual([]);

    // Re-run: the database found, no migration sent again, the key kept, the Worker updated.
    const before = fake.requests.length;
    const queriesBefore = fake.d1.queries.length;
    const second = await deploy([], { ...env, AUTH_GITHUB_CLIENT_SECRET: `${CLIENT_SECRET}-rotated` });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('No new migrations');
    expect(second.stderr).toContain('CREDENTIALS_ENCRYPTION_KEY kept');
    expect(creates()).toHaveLength(1);
    const newQueries = fake.d1.queries.slice(queriesBefore).map((q) => q.sql);
    expect(newQueries.some((sql) => MIGRATIONS.some((file) => sql.includes(`values ('${file}')`)))).toBe(false);
    expect(fake.scripts.get('flotilla')?.secrets.get('CREDENTIALS_ENCRYPTION_KEY')).toBe(key);
    expect(fake.scripts.get('flotilla')?.secrets.get('AUTH_GITHUB_CLIENT_SECRET')).toBe(`${CLIENT_SECRET}-rotated`);
    const secretWrites = fake.requests.slice(before).filter((r) => r.method === 'PATCH' && r.path.endsWith('/settings'));
    const written = secretWrites.flatMap((r) => ((r.body as { bindings: Array<{ name: string; set?: true }> }).bindings ?? []).filter((b) => b.set).map((b) => b.name));
    expect(written).toEqual(['AUTH_GITHUB_CLIENT_SECRET']);
    const uploads = fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/flotilla/versions'));
    expect(uploads).toHaveLength(1);
    expect(fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/flotilla/deployments'))).toHaveLength(1);
    expect(second.stdout.trim().split('\n')).toEqual([url, `${url}/api/auth/github/callback`]);
  });

  it('an upgrade applies only the migrations the database has not had yet', async () => {
    // A deployment made before the newest migration existed: its database has all but the last.
    const db = fake.d1.create('upgrade');
    if (!db) throw new Error('the database exists already');
    fake.d1.query(db.uuid, 'CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)');
    for (const file of MIGRATIONS.slice(0, -1)) fake.d1.query(db.uuid, `${readFileSync(join(MIGRATIONS_DIR, file), 'utf8')}\nINSERT INTO d1_migrations (name) values ('${file}');`);
    const queriesBefore = fake.d1.queries.length;

    const result = await deploy(['--name', 'upgrade', '--base-url', 'https://flotilla.example.com/'], {
      ...env,
      AUTH_GITHUB_CLIENT_ID: '',
      AUTH_OIDC_ISSUER: 'https://id.example.com',
      AUTH_OIDC_CLIENT_ID: 'flotilla',
      AUTH_OIDC_CLIENT_SECRET: 'oidc-secret',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('D1 database upgrade found');
    const sent = fake.d1.queries.slice(queriesBefore).filter((q) => /values \('[^']+\.sql'\)/.test(q.sql));
    expect(sent.map((q) => q.sql.match(/values \('([^']+)'\)/)?.[1])).toEqual([MIGRATIONS.at(-1)]);
    expect(fake.scripts.get('upgrade')?.secrets.get('AUTH_OIDC_CLIENT_SECRET')).toBe('oidc-secret');
    expect(result.stdout.trim().split('\n')).toEqual(['https://flotilla.example.com', 'https://flotilla.example.com/api/auth/oidc/callback']);
  });
});
