/**
 * A node daemon under test as a real child process (`node bin/node-daemon.mjs` of
 * @flotilla/node-daemon, its TypeScript sources through tsx), started the way the local cloud and
 * cloud-init start it, with its stderr log kept and watchable. By default its `claude-code` agent
 * is the scripted agent (testkit's deterministic ACP agent), through the daemon's agent-command
 * override `FLOTILLA_AGENT_COMMAND_CLAUDE_CODE`; `agent: 'real'` leaves the real Claude Code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { agentOverrideEnv, type TestAgents } from '../scripted-agent/agent-override.js';

const daemonPackageDir = dirname(createRequire(import.meta.url).resolve('@flotilla/node-daemon/package.json'));
const binScript = join(daemonPackageDir, 'bin/node-daemon.mjs');

export interface DaemonProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the daemon logged on stderr so far. */
  logs(): string;
  /**
   * Resolve once the daemon's log holds `text` (at once when it already does).
   * @throws Error after `timeoutMs` (default 60 s), or when the daemon exits first
   */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface DaemonProcessOptions {
  nodeId: string;
  controlPlaneUrl: string;
  callbackToken: string;
  /** Reuse a data dir (restart tests); default a fresh temp dir. */
  dataDir?: string;
  /** `scripted` (default): every agent type runs the scripted agent; `real`: the real agents. */
  agent?: TestAgents;
  /** Extra environment (timeouts, passthrough, …); wins over the defaults. */
  env?: Record<string, string>;
}

/** Spawn the daemon; resolves once it listens. Rejects (with its logs) if it exits first. */
export async function startDaemonProcess(options: DaemonProcessOptions): Promise<DaemonProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-daemon-'));
  const child = spawn(process.execPath, [binScript], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      LANG: process.env.LANG ?? 'C.UTF-8',
      FLOTILLA_NODE_ID: options.nodeId,
      FLOTILLA_CONTROL_PLANE_URL: options.controlPlaneUrl,
      FLOTILLA_CALLBACK_TOKEN: options.callbackToken,
      FLOTILLA_DATA_DIR: dataDir,
      ...agentOverrideEnv(options.agent ?? 'scripted'),
      ...options.env,
    },
  });
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const watcher of watchers) watcher();
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

  const waitForLog = (text: string, timeoutMs = 60_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (failure?: Error): void => {
        watchers.delete(check);
        clearTimeout(timer);
        if (failure) reject(failure);
        else resolve();
      };
      const check = (): void => {
        if (stderr.includes(text)) done();
      };
      const timer = setTimeout(() => done(new Error(`the daemon did not log "${text}" within ${timeoutMs} ms`)), timeoutMs).unref();
      void exited.then((code) => done(new Error(`the daemon exited with ${code} before logging "${text}"`)));
      watchers.add(check);
      check();
    });

  return {
    url,
    dataDir,
    child,
    logs: () => stderr,
    waitForLog,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
