/**
 * The wrangler config of one deployment, generated from apps/control-plane/wrangler.jsonc (read by
 * the pinned wrangler's own reader, so its Durable Objects, their migrations, the cron triggers and
 * the asset routing carry over as they are) into the deploy's build directory
 * (`.flotilla/deploy/<name>/wrangler.json`, never committed): the Worker's name, the real D1
 * database (name and id), absolute paths to the sources, the migrations and the built assets, and
 * the vars — DEPLOYMENT_MODE `deployed` (never `local`), BASE_URL, the sign-in settings. No secret
 * is ever written into it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WRANGLER_CONFIG } from '../paths.js';

/** The generated config's file name inside the build directory. */
export const DEPLOY_CONFIG_FILE = 'wrangler.json';

/** The parts of wrangler's raw config this module reads or replaces (the rest is passed through). */
interface RawConfig {
  name?: string;
  main?: string;
  d1_databases?: Array<{ binding: string; database_name?: string; database_id?: string; migrations_dir?: string }>;
  assets?: Record<string, unknown>;
  triggers?: { crons?: string[] };
  vars?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The control plane's own wrangler config, as wrangler reads it (comments and all). */
export async function readBaseConfig(): Promise<RawConfig> {
  const { experimental_readRawConfig } = (await import('wrangler')) as unknown as { experimental_readRawConfig: (args: { config: string }) => { rawConfig: RawConfig } };
  return experimental_readRawConfig({ config: WRANGLER_CONFIG }).rawConfig;
}

export interface DeployConfigInput {
  name: string;
  databaseId: string;
  /** The directory of the built static assets (web app and node daemon artifact). */
  assetsDir: string;
  /** The Worker's vars (DEPLOYMENT_MODE is forced to `deployed`). */
  vars: Record<string, string>;
}

/** The deployment's config: `base` with the name, database, paths and vars of `input`. */
export function deployConfig(base: RawConfig, input: DeployConfigInput): RawConfig {
  const baseDir = dirname(WRANGLER_CONFIG);
  const { $schema: _schema, ...rest } = base;
  return {
    ...rest,
    name: input.name,
    main: resolve(baseDir, base.main ?? 'src/index.ts'),
    workers_dev: true,
    d1_databases: (base.d1_databases ?? []).map((db) => ({
      ...db,
      database_name: input.name,
      database_id: input.databaseId,
      migrations_dir: resolve(baseDir, db.migrations_dir ?? 'migrations'),
    })),
    assets: { ...base.assets, directory: input.assetsDir },
    vars: { ...base.vars, ...input.vars, DEPLOYMENT_MODE: 'deployed' },
  };
}

/** Write `config` to `<buildDir>/wrangler.json` and return that path. */
export function writeDeployConfig(buildDir: string, config: RawConfig): string {
  mkdirSync(buildDir, { recursive: true });
  const file = join(buildDir, DEPLOY_CONFIG_FILE);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** The directory of the D1 migrations the config applies (`d1 migrations apply` considers its `.sql` files), or null. */
export function migrationsDirOf(config: RawConfig): string | null {
  return config.d1_databases?.[0]?.migrations_dir ?? null;
}

/** The cron triggers the config deploys. */
export const cronsOf = (config: RawConfig): string[] => config.triggers?.crons ?? [];
