/**
 * A fake cloud VM (test-only): boots a node from its cloud-init user-data the way a Debian VM
 * would, inside a directory standing in for the VM's root file system. The cloud (Hetzner), the
 * npm registry and nodejs.org are the outside world; this is their stand-in. What it runs is
 * ours, unchanged: the user-data's files and install script, the daemon bundle the control plane
 * serves, the systemd unit's command line and environment file.
 *
 * Boot, in cloud-init's order:
 * 1. `write_files` → written under the root with their permissions (owners are not emulated).
 * 2. `runcmd`, one entry after another, each `sh -c <script>` run with `DESTDIR=<root>` (the
 *    scripts' staging convention):
 *    - the Node.js install runs against a fake nodejs.org (fake-node-dist.ts): a directory
 *      holding a stand-in for the release Flotilla pins (@flotilla/cloud-init NODE_RELEASE) —
 *      this machine's Node — and knowing it by that release's published SHA-256. The script
 *      downloads it, checks it with `sha256sum -c` and unpacks it under the root as on a VM, so a
 *      user-data whose checksum is not the published one stops the boot;
 *    - the daemon install runs with `npm` being the fake registry (fake-npm.ts): the bundle and
 *      its lockfile are really downloaded from the control plane with curl and checked with
 *      `sha256sum -c`, then `npm ci` installs exactly what the lockfile pins (versions and
 *      integrity hashes checked against this repository's lockfile);
 *    - `systemctl daemon-reload` does nothing; `systemctl enable --now <unit>` starts the unit:
 *      `StateDirectory=` created, `EnvironmentFile=` read (absolute paths in values are taken
 *      under the root), `ExecStart=` run with the `/usr/local/bin/node` the boot installed.
 *    Any failing step fails the boot with its output.
 * Not emulated: `packages` (the tools the scripts use must be on this machine), `users`, and
 * `Restart=always`; scripts see DESTDIR set and skip what needs a real root (e.g. `chown` to the
 * daemon's user of the origin certificate that user-data with `originTls` makes). The network is
 * loopback: the unit's environment is overridden to bind 127.0.0.1 on a free port and announce
 * `http://127.0.0.1:{port}` — `https://` when the environment file gives the daemon a TLS
 * certificate (FLOTILLA_TLS_CERT_FILE, taken under the root like every absolute path there).
 * Like a test stack's nodes, the unit runs the scripted agent for every agent type unless the
 * test asks for the real agents (`agents: 'real'`): its agent-command override
 * (`FLOTILLA_AGENT_COMMAND_<TYPE>`) comes in the drop-in environment, beside `env`.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { agentOverrideEnv, type TestAgents } from '../scripted-agent/agent-override.js';
import { signalGroup, waitForGroupExit } from '../test-support/process-group.js';
import { fakeNodeDist, NODE_DIST_URL } from './fake-node-dist.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const FAKE_NPM = join(REPO_ROOT, 'packages/testkit/bin/fake-npm.mjs');
const VM_NODE = '/usr/local/bin/node';
/** The unit's environment on the fake VM's loopback network; `tls`: the daemon serves HTTPS. */
const loopback = (tls: boolean) => ({ FLOTILLA_HOST: '127.0.0.1', FLOTILLA_PORT: '0', FLOTILLA_PUBLIC_URL: `${tls ? 'https' : 'http'}://127.0.0.1:{port}` });

export interface FakeVmOptions {
  /** Extra environment for the unit, as a systemd drop-in would set it (e.g. PATH, fake model URLs). */
  env?: Record<string, string>;
  /**
   * Which agents the daemon runs: `scripted` (default) — the scripted agent for every agent
   * type, through the override a drop-in sets (it must be on the drop-in's PATH); `real` — the
   * agents the VM installed.
   */
  agents?: TestAgents;
  /** Where the fake registry finds packages (default: this repository's packages/node-daemon). */
  packagesFrom?: string;
  /** Directory standing in for the VM's root (default: a new temporary directory). */
  root?: string;
  /** Packages whose install fails on this VM, as a native build can (fake-npm.ts). */
  unavailablePackages?: string[];
}

export interface FakeVm {
  root: string;
  /** pid of the unit's main process (the node daemon); it leads its own process group. */
  pid: number;
  /** What the boot steps printed, then the daemon's output so far. */
  log(): string;
  /** Stop the daemon as `systemctl stop` would (SIGTERM, SIGKILL after 5 s). */
  stop(): Promise<void>;
}

interface CloudConfig {
  write_files?: Array<{ path: string; content?: string; permissions?: string }>;
  runcmd?: Array<string | string[]>;
}

const under = (root: string, path: string) => join(root, path);

/** `[Section]` → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = line.match(/^\[(.+)\]$/);
    if (section) {
      current = new Map();
      sections.set(section[1] ?? '', current);
      continue;
    }
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

function readEnvironmentFile(root: string, path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(under(root, path), 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0 || line.startsWith('#')) continue;
    const value = line.slice(eq + 1);
    env[line.slice(0, eq)] = value.startsWith('/') ? under(root, value) : value;
  }
  return env;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * Boot a fake VM from `userData` (a `#cloud-config` document) and start its daemon unit.
 * @throws Error when the user-data is not cloud-config, or a step fails (with its output)
 */
export async function bootFakeVm(userData: string, options: FakeVmOptions = {}): Promise<FakeVm> {
  if (!userData.startsWith('#cloud-config\n')) throw new Error('user-data is not a #cloud-config document');
  const config = parse(userData) as CloudConfig;
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'flotilla-fake-vm-'));
  const bootLog: string[] = [];

  for (const file of config.write_files ?? []) {
    const path = under(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content ?? '');
    if (file.permissions) chmodSync(path, Number.parseInt(file.permissions, 8));
    bootLog.push(`write_files: ${file.path}`);
  }

  const shims = join(root, '.fake-vm/bin');
  mkdirSync(shims, { recursive: true });
  writeFileSync(join(shims, 'npm'), `#!/bin/sh\nexec '${process.execPath}' '${FAKE_NPM}' "$@"\n`, { mode: 0o755 });
  const scriptEnv = {
    PATH: [shims, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
    HOME: join(root, 'root'),
    DESTDIR: root,
    FLOTILLA_FAKE_NPM_FROM: options.packagesFrom ?? join(REPO_ROOT, 'packages/node-daemon'),
    FLOTILLA_FAKE_NPM_UNAVAILABLE: (options.unavailablePackages ?? []).join(','),
  };
  mkdirSync(scriptEnv.HOME, { recursive: true });

  let daemon: { pid: number; logFile: string } | null = null;
  for (const entry of config.runcmd ?? []) {
    const argv = typeof entry === 'string' ? ['sh', '-c', entry] : entry;
    const [command = '', ...args] = argv;
    if (command === 'systemctl') {
      if (args[0] === 'enable' && args.includes('--now')) daemon = startUnit(root, args.at(-1) ?? '', { ...agentOverrideEnv(options.agents ?? 'scripted'), ...options.env });
      bootLog.push(`runcmd: ${argv.join(' ')}`);
      continue;
    }
    if (argv.join(' ').includes(`${NODE_DIST_URL}/`)) {
      const dist = fakeNodeDist(join(root, '.fake-vm/nodejs-dist'));
      const script = argv.map((arg) => dist.serve(arg));
      const { code, output } = await run(script[0] ?? '', script.slice(1), scriptEnv, root);
      bootLog.push(`runcmd: Node.js ${dist.version} from the fake nodejs.org (this machine's Node.js stands in for it) …`, output.trimEnd());
      if (code !== 0) throw new Error(`fake VM boot failed (exit ${code}) installing Node.js:\n${output}`);
      continue;
    }
    const { code, output } = await run(command, args, scriptEnv, root);
    bootLog.push(`runcmd: ${argv.join(' ').split('\n')[0]} …`, output.trimEnd());
    if (code !== 0) throw new Error(`fake VM boot failed (exit ${code}) in:\n${argv.join(' ')}\n${output}`);
  }
  if (!daemon) throw new Error('the user-data never started a systemd unit');
  const { pid, logFile } = daemon;
  return {
    root,
    pid,
    log: () => `${bootLog.join('\n')}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`,
    async stop() {
      signalGroup(pid, 'SIGTERM');
      await waitForGroupExit(pid, 5000);
    },
  };
}

/** `systemctl start <unit>`: its ExecStart in its own process group, output to a log file. */
function startUnit(root: string, unit: string, extraEnv: Record<string, string>): { pid: number; logFile: string } {
  const service = parseUnit(readFileSync(under(root, `/etc/systemd/system/${unit}`), 'utf8')).get('Service');
  if (!service) throw new Error(`${unit} has no [Service] section`);
  const first = (key: string) => service.get(key)?.[0];
  for (const name of service.get('StateDirectory') ?? []) mkdirSync(under(root, `/var/lib/${name}`), { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: under(root, '/var/lib') };
  for (const file of service.get('EnvironmentFile') ?? []) Object.assign(env, readEnvironmentFile(root, file));
  Object.assign(env, loopback(Boolean(env.FLOTILLA_TLS_CERT_FILE)), extraEnv);
  const [executable = '', ...args] = (first('ExecStart') ?? '').split(/\s+/);
  if (executable !== VM_NODE) throw new Error(`the fake VM can only start ${VM_NODE}, not ${executable}`);
  if (!existsSync(under(root, VM_NODE))) throw new Error(`${unit} needs ${VM_NODE}, which the boot did not install`);
  const workingDirectory = first('WorkingDirectory');
  const logFile = under(root, `/var/log/${unit}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(
    under(root, VM_NODE),
    args.map((arg) => (arg.startsWith('/') ? under(root, arg) : arg)),
    { env, cwd: workingDirectory ? under(root, workingDirectory) : root, detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  if (child.pid === undefined) throw new Error(`${unit} did not start`);
  return { pid: child.pid, logFile };
}
