/**
 * The sandbox with the real bubblewrap: what a sandboxed command can and cannot see, write,
 * signal and reach (DESIGN.md §7). Each test runs shell commands inside and reads what they print.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSandbox, type SandboxUnavailable } from './detect.js';
import { sandboxPolicy } from './policy.js';
import { SANDBOX_STATUS_FD, type Sandbox, type SandboxedCommand } from './sandbox.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-sandbox-test-'));
const dataDir = join(root, 'data');
const workspace = join(dataDir, 'workspaces', 'ws_a');
const otherWorkspace = join(dataDir, 'workspaces', 'ws_b');
const home = join(dataDir, 'sandboxes', 'ws_a', 'home');
const tmp = join(dataDir, 'sandboxes', 'ws_a', 'tmp');
const userHome = join(root, 'home', 'operator');
const install = join(userHome, 'flotilla');
const state = join(install, '.flotilla');
const runDir = mkdtempSync(join(tmpdir(), 'fl-run-'));
const CANARY = `canary-${process.pid}-${Date.now()}`;

let sandbox: Sandbox;
let gateway: Server;

/** Run `script` with /bin/sh in a sandbox of the workspace (asynchronously: the bridged server lives in this process). */
function run(script: string, extra: Partial<SandboxedCommand> = {}): Promise<{ status: number | null; out: string; err: string }> {
  const spec = sandbox.wrap({ command: '/bin/sh', args: ['-c', script], cwd: workspace, env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, TMPDIR: tmp }, writable: [workspace, home, tmp], ...extra });
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

beforeAll(async () => {
  for (const dir of [workspace, otherWorkspace, home, tmp, install, state]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dataDir, 'daemon.db'), CANARY);
  writeFileSync(join(otherWorkspace, 'secret.txt'), CANARY);
  writeFileSync(join(userHome, '.netrc'), CANARY);
  writeFileSync(join(install, 'agent.txt'), 'the agent is installed here\n');
  writeFileSync(join(state, 'server.json'), CANARY);
  writeFileSync(join(workspace, 'README.md'), 'hello\n');
  const policy = sandboxPolicy({ dataDir, homeDir: userHome, hide: [state], read: [install] });
  const detected = detectSandbox({ bwrap: 'bwrap', socat: 'socat', allowUnsandboxed: false, policy });
  if (detected.kind !== 'bubblewrap') throw new Error(`bubblewrap is needed for these tests: ${(detected as SandboxUnavailable).reason}`);
  sandbox = detected;
  gateway = createServer((req, res) => res.end(`gateway saw ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => gateway.listen(join(runDir, 'gw.sock'), resolve));
});

afterAll(() => new Promise<void>((resolve) => gateway?.close(() => resolve())));

describe('a sandboxed command', () => {
  it('reads and writes its workspace, and nothing else is writable', async () => {
    const result = await run('cat README.md && echo changed > README.md && echo t > "$TMPDIR/t" && echo h > "$HOME/h" && (echo x > /etc/flotilla-x 2>/dev/null || echo etc-refused) && (echo x > /usr/x 2>/dev/null || echo usr-refused)');
    expect(result.out).toBe('hello\netc-refused\nusr-refused\n');
    expect(readFileSync(join(workspace, 'README.md'), 'utf8')).toBe('changed\n');
  });

  it('cannot see the daemon data, other workspaces, the operator\'s home or the CLI state; sees the agent install', async () => {
    const result = await run(`cat ${dataDir}/daemon.db ${otherWorkspace}/secret.txt ${userHome}/.netrc ${state}/server.json 2>/dev/null; ls ${dataDir}/workspaces; cat ${install}/agent.txt; grep -rl ${CANARY} ${root} /tmp /root 2>/dev/null | head -3; echo end`);
    expect(result.out).not.toContain(CANARY);
    expect(result.out).toBe('ws_a\nthe agent is installed here\nend\n');
  });

  it('sees only its own processes, holds no capability and cannot unmount what hides a directory', async () => {
    const result = await run(`ls /proc | grep -c '^[0-9]'; grep CapEff /proc/self/status; id -u; umount ${dataDir} 2>/dev/null || echo umount-refused; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c ${CANARY}`);
    const [count, caps, uid, umount, environs] = result.out.trim().split('\n');
    expect(Number(count)).toBeLessThan(10);
    expect(caps).toMatch(/CapEff:\s+0+$/);
    expect(uid).toBe('1000');
    expect(umount).toBe('umount-refused');
    expect(environs).toBe('0');
  });

  it('gets exactly the environment it is given', async () => {
    process.env.FLOTILLA_TEST_CANARY = CANARY;
    const result = await run('env', { env: { PATH: '/usr/bin:/bin', ONLY: 'this' } });
    delete process.env.FLOTILLA_TEST_CANARY;
    const names = result.out.trim().split('\n').map((line) => line.split('=')[0]).sort();
    expect(names.filter((name) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(name ?? ''))).toEqual(['ONLY', 'PATH']);
  });

  it('reaches no network but its bridges: a host port on 127.0.0.1 is not there, the bridged socket is', async () => {
    const host = createServer((_req, res) => res.end('host'));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const port = (host.address() as { port: number }).port;
    const result = await run(`curl -s -m 3 http://127.0.0.1:${port}/ || echo host-unreachable; curl -s -m 5 http://127.0.0.1:4141/v1/messages; echo; curl -s -m 3 https://example.com >/dev/null || echo internet-unreachable`, {
      bridges: [{ port: 4141, socket: join(runDir, 'gw.sock') }],
    });
    await new Promise<void>((resolve) => host.close(() => resolve()));
    expect(result.out).toBe('host-unreachable\ngateway saw GET /v1/messages\ninternet-unreachable\n');
  });
});

describe('detectSandbox', () => {
  const policy = { hidden: [], shownAgain: [], hiddenAgain: [] };

  it('refuses, saying what to install or set, where bubblewrap cannot run', () => {
    const detected = detectSandbox({ bwrap: '/nonexistent/bwrap', socat: 'socat', allowUnsandboxed: false, policy });
    expect(detected.kind).toBe('unavailable');
    expect((detected as SandboxUnavailable).reason).toMatch(/install bubblewrap and socat.*FLOTILLA_UNSAFE_NO_SANDBOX=1/);
  });

  it('runs unconfined there only when the operator opted out', () => {
    expect(detectSandbox({ bwrap: '/nonexistent/bwrap', socat: 'socat', allowUnsandboxed: true, policy }).kind).toBe('none');
  });

  it('asks bubblewrap for its status where it takes `--json-status-fd`, and sandboxes without it where it does not (before 0.5)', () => {
    const command: SandboxedCommand = { command: 'true', args: [], cwd: '/', env: {}, writable: [], statusFd: SANDBOX_STATUS_FD };
    const current = detectSandbox({ bwrap: 'bwrap', socat: 'socat', allowUnsandboxed: false, policy }) as Sandbox;
    expect(current.kind).toBe('bubblewrap');
    expect(current.wrap(command)).toMatchObject({ statusFd: SANDBOX_STATUS_FD, args: expect.arrayContaining(['--json-status-fd', String(SANDBOX_STATUS_FD)]) });
    // A bubblewrap that does not know the option, as 0.4 answers it.
    const old = join(root, 'old-bwrap');
    writeFileSync(old, '#!/bin/sh\nfor a; do [ "$a" = --json-status-fd ] && { echo "bwrap: Unknown option --json-status-fd" >&2; exit 1; }; done\nexec bwrap "$@"\n', { mode: 0o755 });
    const older = detectSandbox({ bwrap: old, socat: 'socat', allowUnsandboxed: false, policy }) as Sandbox;
    expect(older.kind).toBe('bubblewrap');
    const spec = older.wrap(command);
    expect(spec.statusFd).toBeUndefined();
    expect(spec.args).not.toContain('--json-status-fd');
  });
});
