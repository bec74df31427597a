/**
 * Worker bindings and configuration. Every timeout and limit is a var with a default defined
 * here once; `readConfig` turns the raw strings into numbers and refuses nonsense.
 */
import type { ProjectData } from './durable-objects/project-data/project-data.js';
import type { TaskRunner } from './durable-objects/task-runner/task-runner.js';

export interface Env {
  DB: D1Database;
  PROJECT_DATA: DurableObjectNamespace<ProjectData>;
  TASK_RUNNER: DurableObjectNamespace<TaskRunner>;
  /** `local` (one implicit user) or `deployed`. */
  DEPLOYMENT_MODE?: string;
  /** URL node daemons use to reach this control plane, e.g. `http://127.0.0.1:8787`. */
  BASE_URL?: string;
  /** URL of the CLI-hosted local cloud (local provider). */
  LOCAL_CLOUD_URL?: string;
  [key: string]: unknown;
}

/** Defaults of every configurable timeout and limit of the control plane (milliseconds). */
export const CONFIG_DEFAULTS = {
  /** node_selection: picking or registering a node. */
  STEP_NODE_SELECTION_TIMEOUT_MS: 30_000,
  /** node_provisioning: the provider accepting the create call. */
  STEP_NODE_PROVISIONING_TIMEOUT_MS: 120_000,
  /** node_agent_ready: the node daemon calling back `ready`. */
  STEP_NODE_AGENT_READY_TIMEOUT_MS: 300_000,
  /** workspace_creation: the daemon accepting the workspace. */
  STEP_WORKSPACE_CREATION_TIMEOUT_MS: 60_000,
  /** workspace_ready: clone + branch done, daemon calling back. */
  STEP_WORKSPACE_READY_TIMEOUT_MS: 600_000,
  /** agent_session: register + start accepted by the daemon. */
  STEP_AGENT_SESSION_TIMEOUT_MS: 60_000,
  /** running: the agent's whole turn, until the task callback. */
  STEP_RUNNING_TIMEOUT_MS: 4 * 60 * 60 * 1000,
  /** First retry delay of a transient step failure; doubles up to the max. */
  STEP_RETRY_INITIAL_MS: 500,
  STEP_RETRY_MAX_MS: 15_000,
  /** How often a waiting step re-checks D1 when no callback woke it. */
  STEP_POLL_INTERVAL_MS: 2_000,
  /** Timeout of one HTTP call from the control plane to a node daemon or provider. */
  OUTBOUND_REQUEST_TIMEOUT_MS: 30_000,
  /** Lifetime of callback tokens handed to node daemons. */
  CALLBACK_TOKEN_TTL_MS: 24 * 60 * 60 * 1000,
} as const;

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
  if (!env.BASE_URL) throw new Error('BASE_URL is not set: node daemons would not know where to call back');
  return env.BASE_URL.replace(/\/$/, '');
}
