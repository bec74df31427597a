/**
 * The composition place: what the control plane's logic needs, built from the Worker's `Env` in
 * one spot. Logic takes `Deps` (or the part of it it uses), never `Env`; the HTTP handlers and
 * the Durable Object classes — thin adapters — build it here and pass it in.
 */
import { createLogger, type Logger } from '@flotilla/kit';
import { stubsOf, type Stubs } from './bindings.js';
import { readConfig, type Config } from './config.js';
import type { Env } from './env.js';

/** Static assets (the node daemon artifact lives there): the `ASSETS` binding's one method. */
export interface Assets {
  fetch(request: Request | string): Promise<Response>;
}

export interface Deps {
  db: D1Database;
  config: Config;
  stubs: Stubs;
  /** The `ASSETS` binding, or null when this deployment serves none. */
  assets: Assets | null;
  /** The control plane's logger; each module takes a `.child({component})`. */
  log: Logger;
}

const cache = new WeakMap<Env, Deps>();

/**
 * The deps of `env` (built once per `env` object).
 * @throws FlotillaError when a timeout or limit var is invalid (config.ts)
 */
export function depsFromEnv(env: Env): Deps {
  let deps = cache.get(env);
  if (!deps) {
    const assets = env.ASSETS && typeof env.ASSETS.fetch === 'function' ? env.ASSETS : null;
    deps = { db: env.DB, config: readConfig(env), stubs: stubsOf(env), assets, log: createLogger('control-plane') };
    if (deps.config.priceTable.problem) deps.log.error('bad setting', { setting: 'PRICE_TABLE', problem: deps.config.priceTable.problem });
    cache.set(env, deps);
  }
  return deps;
}
