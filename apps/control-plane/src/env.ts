/**
 * Worker bindings and configuration. Every timeout and limit is a var with a default defined
 * here once; `readConfig` turns the raw strings into numbers and refuses nonsense.
 */
import { CONTROL_PLANE_CONFIG_DEFAULTS } from '@flotilla/contracts';
import { PermanentError } from './lib/errors.js';
import type { ProjectData } from './durable-objects/project-data/project-data.js';
import type { NodeLifecycle } from './durable-objects/node-lifecycle/node-lifecycle.js';
import type { TaskRunner } from './durable-objects/task-runner/task-runner.js';

export interface Env {
  DB: D1Database;
  PROJECT_DATA: DurableObjectNamespace<ProjectData>;
  TASK_RUNNER: DurableObjectNamespace<TaskRunner>;
  NODE_LIFECYCLE: DurableObjectNamespace<NodeLifecycle>;
  /** `local` (one implicit user) or `deployed`. */
  DEPLOYMENT_MODE?: string;
  /** URL node daemons use to reach this control plane, e.g. `http://127.0.0.1:8787`. */
  BASE_URL?: string;
  /** URL of the CLI-hosted local cloud (local provider). */
  LOCAL_CLOUD_URL?: string;
  /** Secret: when set, the public API requires it (auth/api-token.ts). */
  FLOTILLA_API_TOKEN?: string;
  /** Secret: 32 random bytes, base64, that encrypt stored credentials (AES-256-GCM). */
  CREDENTIALS_ENCRYPTION_KEY?: string;
  [key: string]: unknown;
}

/** Defaults of every configurable timeout and limit (defined once, in contracts). */
export const CONFIG_DEFAULTS = CONTROL_PLANE_CONFIG_DEFAULTS;

export type Config = { -readonly [K in keyof typeof CONFIG_DEFAULTS]: number };

/** Read the config from the Worker's vars, falling back to `CONFIG_DEFAULTS`. */
export function readConfig(env: Env): Config {
  const config = { ...CONFIG_DEFAULTS } as Config;
  for (const key of Object.keys(CONFIG_DEFAULTS) as Array<keyof Config>) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`${key} must be a non-negative number of milliseconds, got ${String(raw)}`);
    }
    config[key] = value;
  }
  return config;
}

/** The URL node daemons call back to. */
export function controlPlaneUrl(env: Env): string {
  if (!env.BASE_URL) throw new PermanentError('BASE_URL is not set: node daemons would not know where to call back');
  return env.BASE_URL.replace(/\/$/, '');
}

/** A string var, trimmed; undefined when unset or blank. */
export function stringVar(env: Env, name: string): string | undefined {
  const value = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
