/**
 * Start the node daemon as a real child process (`node bin/node-daemon.mjs`), the way the local
 * cloud and cloud-init do, and wait for its `{"msg":"node daemon listening","url":…}` line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repoRoot = resolve(packageDir, '../..');
const binScript = join(packageDir, 'bin/node-daemon.mjs');

export interface DaemonProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the daemon logged on stderr so far. */
  logs(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface DaemonProcessOptions {
  nodeId: string;
  controlPlaneUrl: string;
  callbackToken: string;
  /** Reuse a data dir (restart tests); default a fresh temp dir. */
  dataDir?: string;
  /** Extra environment (timeouts, passthrough, …). */
  env?: Record<string, string>;
}

/** Spawn the daemon; resolves once it listens. Rejects (with its logs) if it exits first. */
export async function startDaemonProcess(options: DaemonProcessOptions): Promise<DaemonProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-daemon-'));
  const child = spawn(process.execPath, [binScript], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? tmpdir(),
      LANG: process.env.LANG ?? 'C.UTF-8',
      FLOTILLA_NODE_ID: options.nodeId,
      FLOTILLA_CONTROL_PLANE_URL: options.controlPlaneUrl,
      FLOTILLA_CALLBACK_TOKEN: options.callbackToken,
      FLOTILLA_DATA_DIR: dataDir,
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'node daemon listening' && parsed.url) resolveUrl(parsed.url);
      } catch {
        // not our line
      }
    });
    void exited.then((code) => reject(new Error(`daemon exited with ${code} before listening:\n${stderr}`)));
  });

  return {
    url,
    dataDir,
    child,
    logs: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
