/**
 * Runs the control plane Worker locally: applies D1 migrations, then wrangler's local dev server
 * (control-plane-server.ts: what `wrangler dev --local` runs, without its DevTools inspector) in
 * local mode (DEPLOYMENT_MODE=local, LISTEN_PORT its port) with state under `<stateDir>`, waits
 * until `/health` answers, and stops the whole process tree on `close()`.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WRANGLER_CONFIG, wranglerBin } from '../paths.js';
import type { ControlPlaneServerOptions } from './control-plane-server.js';

/** The control plane's process: wrangler's local dev server without its DevTools inspector (control-plane-server.ts). */
const CONTROL_PLANE_SERVER = fileURLToPath(new URL('../../bin/control-plane-server.mjs', import.meta.url));

const execFileAsync = promisify(execFile);

export interface ControlPlaneOptions {
  port: number;
  /** Wrangler's persisted state (D1, Durable Objects) lives here. */
  stateDir: string;
  /** Extra Worker vars (e.g. LOCAL_CLOUD_URL, timeouts); they win over the local defaults (BASE_URL, DEPLOYMENT_MODE, LISTEN_PORT). */
  vars: Record<string, string>;
  /** Where wrangler's output goes. */
  logFile: string;
  /** How long to wait for the first healthy answer, in ms (default 60 000). */
  startTimeoutMs?: number;
  /** Static assets to serve (the built web app, see web-assets.ts); wrangler.jsonc holds their routing. */
  assetsDir?: string;
  /** An env file of secrets for the Worker (see secrets.ts), so they never appear in process arguments. */
  secretsFile?: string;
}

export interface ControlPlane {
  url: string;
  pid: number;
  close(): Promise<void>;
}

function wranglerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_LOG_SANITIZE: 'true',
    NO_COLOR: '1',
  };
}

/** Apply the D1 migrations to the local database in `stateDir`. */
export async function applyMigrations(stateDir: string): Promise<void> {
  await execFileAsync(
    process.execPath,
    [wranglerBin(), 'd1', 'migrations', 'apply', 'flotilla', '--local', '--persist-to', stateDir, '--config', WRANGLER_CONFIG],
    { env: wranglerEnv(), maxBuffer: 16 * 1024 * 1024 },
  );
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  mkdirSync(options.stateDir, { recursive: true });
  await applyMigrations(options.stateDir);
  const url = `http://127.0.0.1:${options.port}`;
  // wrangler.jsonc ships a deployment (which serves nothing until its auth is configured); this
  // one is the local control plane: one implicit user, answering only on its own loopback address.
  const vars = { BASE_URL: url, DEPLOYMENT_MODE: 'local', LISTEN_PORT: String(options.port), ...options.vars };
  const serverOptions: ControlPlaneServerOptions = {
    config: WRANGLER_CONFIG,
    port: options.port,
    persistTo: options.stateDir,
    vars,
    ...(options.assetsDir ? { assetsDir: options.assetsDir } : {}),
    ...(options.secretsFile ? { secretsFile: options.secretsFile } : {}),
  };
  const logFd = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, [CONTROL_PLANE_SERVER, JSON.stringify(serverOptions)], { detached: true, stdio: ['ignore', logFd, logFd], env: wranglerEnv() });
  closeSync(logFd);
  const controlPlane: ControlPlane = { url, pid: child.pid ?? -1, close: () => stopProcessTree(child) };
  try {
    await waitForHealth(url, child, options.startTimeoutMs ?? 60_000, options.logFile);
  } catch (error) {
    await controlPlane.close();
    throw error;
  }
  return controlPlane;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the control plane exited with code ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the control plane did not answer on ${url} within ${timeoutMs} ms; see ${logFile}`);
}

/** SIGTERM the process group, SIGKILL after 5 s; resolves when the leader exited. */
export async function stopProcessTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL');
}

export const CONTROL_PLANE_LOG = (home: string) => join(home, 'control-plane.log');
