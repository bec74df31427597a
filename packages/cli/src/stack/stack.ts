/**
 * The whole local stack on this machine: the local cloud (node daemons as local processes) and
 * the control plane under `wrangler dev`, state under `<home>`. Used by `flotilla up`, by
 * `flotilla run` when no server is running, and by capability tests.
 */
import { CONTROL_PLANE_CONFIG_DEFAULTS, CONTROL_PLANE_STRING_VARS } from '@flotilla/contracts';
import { startLocalCloud, type LocalCloud } from '../local-cloud/local-cloud.js';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { ensureStateDir } from '../state-dir.js';
import { CONTROL_PLANE_LOG, startControlPlane, type ControlPlane } from './control-plane.js';
import { freePort } from './ports.js';
import { composeStackAssets, ensureDaemonArtifact, localDaemonCommand } from './stack-assets.js';
import { ensureSecretsFile } from './secrets.js';

export interface StackOptions {
  /** Flotilla's state directory (control-plane state, node data, logs). */
  home: string;
  /** Control-plane port; default: a free one. */
  port?: number;
  /**
   * The environment node daemons take their settings and the agents' credentials from; only what
   * a node daemon needs is handed on (local-cloud/node-env.ts). Default: this process's.
   */
  nodeEnv?: NodeJS.ProcessEnv;
  /** Variables handed to every node daemon as they are, whatever their names (tests: a git URL rewrite). */
  nodeExtraEnv?: Record<string, string>;
  /** Extra Worker vars (timeouts and limits of the control plane). */
  vars?: Record<string, string>;
  /** The API token to require (FLOTILLA_API_TOKEN); default: this process's FLOTILLA_API_TOKEN, else none (open API). */
  apiToken?: string | null;
  /** Keep a standby node daemon (local-cloud standby-daemon.ts); default: LOCAL_NODE_STANDBY of this process ({@link standbySettingsFromEnv}). */
  standby?: boolean;
}

export interface Stack {
  url: string;
  home: string;
  localCloud: LocalCloud;
  /** The control plane currently running (replaced by {@link Stack.startControlPlane}). */
  controlPlane: ControlPlane;
  /** Stop the control plane only (an outage); node daemons keep running. Idempotent. */
  stopControlPlane(): Promise<void>;
  /**
   * Start the control plane again on the same port, state directory and vars after
   * {@link Stack.stopControlPlane}: D1, Durable Objects and alarms carry over. `vars` (optional)
   * replace some of the vars from now on (e.g. a changed timeout).
   */
  startControlPlane(vars?: Record<string, string>): Promise<void>;
  /** Stop the control plane, every node daemon and their agents. */
  close(): Promise<void>;
}

/**
 * Start the stack with its state under `options.home` (made 0700).
 * @throws Error when the control plane does not start (the local cloud is stopped again)
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const home = ensureStateDir(options.home);
  const baseEnv = options.nodeEnv ?? process.env;
  const secrets = ensureSecretsFile(home, process.env, options.apiToken === undefined ? process.env.FLOTILLA_API_TOKEN || null : options.apiToken);
  const artifactDir = await ensureDaemonArtifact().catch((error: unknown) => {
    process.stderr.write(`the node daemon artifact could not be built (local nodes run from source; VMs cannot be provisioned): ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  });
  const localCloud = await startLocalCloud({
    dataDir: join(home, 'nodes'),
    daemonCommand: localDaemonCommand(artifactDir, baseEnv),
    env: {
      inherited: { ...baseEnv, PATH: [join(REPO_ROOT, 'node_modules/.bin'), baseEnv.PATH ?? ''].join(delimiter) },
      ...(options.nodeExtraEnv ? { extra: options.nodeExtraEnv } : {}),
      // server.json (the API token), secrets.env, the control plane's D1: no agent sees them.
      hide: [home],
    },
    secret: secrets.localCloudSecret,
    ...standbySettingsFromEnv(process.env),
    ...(options.standby === undefined ? {} : { standby: options.standby }),
  });
  const controlPlaneOptions = {
    port: options.port ?? (await freePort()),
    stateDir: join(home, 'state'),
    vars: { ...controlPlaneVarsFromEnv(process.env), LOCAL_CLOUD_URL: localCloud.url, ...options.vars },
    logFile: CONTROL_PLANE_LOG(home),
    assetsDir: await composeStackAssets(home, artifactDir),
    secretsFile: secrets.file,
  };
  let controlPlane: ControlPlane;
  try {
    controlPlane = await startControlPlane(controlPlaneOptions);
  } catch (error) {
    await localCloud.close();
    throw error;
  }
  const stack: Stack = {
    url: controlPlane.url,
    home,
    localCloud,
    controlPlane,
    stopControlPlane: () => stack.controlPlane.close(),
    async startControlPlane(vars) {
      await stack.controlPlane.close();
      if (vars) controlPlaneOptions.vars = { ...controlPlaneOptions.vars, ...vars };
      stack.controlPlane = await startControlPlane(controlPlaneOptions);
    },
    async close() {
      await localCloud.close();
      await stack.controlPlane.close();
    },
  };
  return stack;
}

/**
 * The local cloud's standby daemon from this process's environment: LOCAL_NODE_STANDBY (`1`,
 * the default, keeps one; `0` none) and LOCAL_NODE_STANDBY_REFILL_DELAY_MS (local-cloud.ts
 * DEFAULT_STANDBY_REFILL_DELAY_MS).
 * @throws Error naming the variable when a value is not one of those
 */
export function standbySettingsFromEnv(env: NodeJS.ProcessEnv): { standby: boolean; standbyRefillDelayMs?: number } {
  const enabled = env.LOCAL_NODE_STANDBY?.trim() || '1';
  if (enabled !== '0' && enabled !== '1') throw new Error(`LOCAL_NODE_STANDBY must be 0 or 1, got ${enabled}`);
  const delay = env.LOCAL_NODE_STANDBY_REFILL_DELAY_MS?.trim();
  if (delay === undefined || delay === '') return { standby: enabled === '1' };
  const delayMs = Number(delay);
  if (!Number.isInteger(delayMs) || delayMs < 0) throw new Error(`LOCAL_NODE_STANDBY_REFILL_DELAY_MS must be a whole number of milliseconds (0 or more), got ${delay}`);
  return { standby: enabled === '1', standbyRefillDelayMs: delayMs };
}

/** Control-plane settings (timeouts, limits, CONTROL_PLANE_STRING_VARS, FLOTILLA_BASE_URL) set in this process's environment, as Worker vars. */
export function controlPlaneVarsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const key of [...Object.keys(CONTROL_PLANE_CONFIG_DEFAULTS), ...CONTROL_PLANE_STRING_VARS]) {
    const value = env[key];
    if (value !== undefined && value !== '') vars[key] = value;
  }
  if (env.FLOTILLA_BASE_URL) vars.BASE_URL = env.FLOTILLA_BASE_URL.replace(/\/+$/, '');
  return vars;
}
