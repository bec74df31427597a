/**
 * The whole local stack on this machine: the local cloud (node daemons as local processes) and
 * the control plane under `wrangler dev`, state under `<home>`. Used by `flotilla up`, by
 * `flotilla run` when no server is running, and by capability tests.
 */
import { CONTROL_PLANE_CONFIG_DEFAULTS } from '@flotilla/contracts';
import { startLocalCloud, type LocalCloud } from '@flotilla/providers/local-cloud';
import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO_ROOT, nodeDaemonCommand } from '../paths.js';
import { CONTROL_PLANE_LOG, startControlPlane, type ControlPlane } from './control-plane.js';
import { freePort } from './ports.js';

export interface StackOptions {
  /** Flotilla's state directory (control-plane state, node data, logs). */
  home: string;
  /** Control-plane port; default: a free one. */
  port?: number;
  /** Environment for node daemons (and through them, the agents' credentials). Default: this process's. */
  nodeEnv?: NodeJS.ProcessEnv;
  /** Extra Worker vars (timeouts and limits of the control plane). */
  vars?: Record<string, string>;
}

export interface Stack {
  url: string;
  home: string;
  localCloud: LocalCloud;
  controlPlane: ControlPlane;
  /** Stop the control plane, every node daemon and their agents. */
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  mkdirSync(options.home, { recursive: true });
  const baseEnv = options.nodeEnv ?? process.env;
  const localCloud = await startLocalCloud({
    dataDir: join(options.home, 'nodes'),
    daemonCommand: nodeDaemonCommand(),
    env: { ...baseEnv, PATH: [join(REPO_ROOT, 'node_modules/.bin'), baseEnv.PATH ?? ''].join(delimiter) },
  });
  let controlPlane: ControlPlane;
  try {
    controlPlane = await startControlPlane({
      port: options.port ?? (await freePort()),
      stateDir: join(options.home, 'state'),
      vars: { ...controlPlaneVarsFromEnv(process.env), LOCAL_CLOUD_URL: localCloud.url, ...options.vars },
      logFile: CONTROL_PLANE_LOG(options.home),
    });
  } catch (error) {
    await localCloud.close();
    throw error;
  }
  return {
    url: controlPlane.url,
    home: options.home,
    localCloud,
    controlPlane,
    async close() {
      await localCloud.close();
      await controlPlane.close();
    },
  };
}

/** Control-plane settings (timeouts, limits) set in this process's environment, as Worker vars. */
function controlPlaneVarsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const key of Object.keys(CONTROL_PLANE_CONFIG_DEFAULTS)) {
    const value = env[key];
    if (value !== undefined && value !== '') vars[key] = value;
  }
  return vars;
}
