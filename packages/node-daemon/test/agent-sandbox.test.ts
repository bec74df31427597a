/**
 * What a hostile agent can see and leave behind on a real daemon with real bubblewrap (DESIGN.md
 * §7): the scripted agent's `run:` lines try, and write what they got into files of its checkout
 * that the test reads. Unique canaries stand for the daemon's secrets: its model key, a variable
 * of its own, a file in the operator's home, another workspace's file, the callback tokens in
 * daemon.db. A terminal's shell runs in the same sandbox without the gateway.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { daemonApi, type DaemonApi, startAgentWorkspace, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane } from '@flotilla/testkit/daemon';

const NODE_ID = 'nod_sandbox';
const CANARY = `canary-${randomUUID()}`;
const operatorHome = mkdtempSync(join(tmpdir(), 'fl-operator-'));

let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

/** Run `prompt` as a task in a new workspace; resolves when its callback arrived. */
async function runTask(prompt: string) {
  const taskId = `tsk_${randomUUID().slice(0, 8)}`;
  const { workspaceId } = await startAgentWorkspace(api, cp, { nodeId: NODE_ID, prompt, taskId });
  const callback = await cp.waitFor(() => cp.taskCallbacks.find((c) => c.id === taskId), 60_000, 'task callback');
  return { workspaceId, taskId, callback, checkout: join(daemon.dataDir, 'workspaces', workspaceId) };
}

beforeAll(async () => {
  writeFileSync(join(operatorHome, '.netrc'), `machine example.com password ${CANARY}\n`);
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({
    nodeId: NODE_ID,
    controlPlaneUrl: cp.url,
    callbackToken: await cp.callbackToken(NODE_ID),
    env: {
      HOME: operatorHome,
      ANTHROPIC_API_KEY: `sk-ant-${CANARY}`,
      FLOTILLA_TEST_DAEMON_SECRET: CANARY,
    },
  });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
  const other = join(daemon.dataDir, 'workspaces', 'ws_other');
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, 'secret.txt'), CANARY);
});

afterAll(async () => {
  await daemon?.stop();
  await cp?.close();
});

describe('an agent in its workspace sandbox', () => {
  it('gets an environment of what it needs only: no credential, no daemon variable, the gateway token in place of the key', async () => {
    const { callback, checkout, workspaceId } = await runTask('run: env > env.txt');
    expect(callback.body.status).toBe('completed');
    const env = Object.fromEntries(
      readFileSync(join(checkout, 'env.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const shellOwn = ['PWD', 'SHLVL', '_', 'OLDPWD'];
    expect(Object.keys(env).filter((name) => !shellOwn.includes(name)).sort()).toEqual(
      [
        'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', 'DISABLE_AUTOUPDATER', 'DISABLE_ERROR_REPORTING', 'DISABLE_TELEMETRY',
        'HOME', 'HTTPS_PROXY', 'HTTP_PROXY', 'IS_SANDBOX', 'LANG', 'NO_PROXY', 'PATH', 'TMPDIR', 'http_proxy', 'https_proxy', 'no_proxy',
      ].sort(),
    );
    expect(env.ANTHROPIC_API_KEY).toMatch(/^flt_gw_[A-Za-z0-9_-]{43}$/);
    expect(env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:4141');
    expect(env.HTTPS_PROXY).toBe('http://127.0.0.1:3128');
    expect(env.HOME).toBe(join(daemon.dataDir, 'sandboxes', workspaceId, 'home'));
    expect(env.TMPDIR).toBe(join(daemon.dataDir, 'sandboxes', workspaceId, 'tmp'));
    expect(JSON.stringify(env)).not.toContain(CANARY);
  });

  it('cannot read the daemon\'s data, another workspace, the operator\'s home or other processes\' environment', async () => {
    const { callback, checkout } = await runTask(
      [
        `run: cat ${daemon.dataDir}/daemon.db ${daemon.dataDir}/workspaces/ws_other/secret.txt ${operatorHome}/.netrc > files.txt 2>&1; ls ${daemon.dataDir} ${daemon.dataDir}/workspaces > listing.txt 2>&1; true`,
        "run: cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' > environ.txt; ls /proc | grep -c '^[0-9]' > pids.txt; true",
        `run: grep -rl ${CANARY} ${daemon.dataDir} ${operatorHome} /tmp /root /run /etc > found.txt 2>/dev/null; true`,
      ].join('\n'),
    );
    expect(callback.body.status).toBe('completed');
    const read = (name: string) => readFileSync(join(checkout, name), 'utf8');
    expect(read('files.txt')).toMatch(/No such file or directory/);
    // Only what is bound into the sandbox shows in the data directory: its own checkout and sandbox.
    expect(read('listing.txt').split('\n').filter(Boolean).sort()).toEqual([`${daemon.dataDir}:`, `${daemon.dataDir}/workspaces:`, checkout.split('/').at(-1), 'sandboxes', 'workspaces'].sort());
    expect(Number(read('pids.txt'))).toBeLessThan(10);
    for (const name of ['files.txt', 'listing.txt', 'environ.txt', 'found.txt']) expect(read(name), name).not.toContain(CANARY);
    expect(read('environ.txt')).not.toMatch(/FLOTILLA_|ANTHROPIC_API_KEY=sk-/);
  });

  it('has a HOME and TMPDIR of its workspace\'s own that die with it; the next workspace starts empty', async () => {
    const first = await runTask('run: mkdir -p "$HOME/.claude" && echo hook > "$HOME/.claude/settings.json" && echo t > "$TMPDIR/left" && ls -a "$HOME" > home.txt');
    expect(first.callback.body.status).toBe('completed');
    const firstSandbox = join(daemon.dataDir, 'sandboxes', first.workspaceId);
    expect(readFileSync(join(firstSandbox, 'home/.claude/settings.json'), 'utf8')).toBe('hook\n');

    const second = await runTask(`run: ls -a "$HOME" > home.txt; ls ${daemon.dataDir}/sandboxes > sandboxes.txt 2>&1; true`);
    expect(readFileSync(join(second.checkout, 'home.txt'), 'utf8')).toBe('.\n..\n');
    expect(readFileSync(join(second.checkout, 'sandboxes.txt'), 'utf8')).toBe(`${second.workspaceId}\n`);

    expect((await api.request('DELETE', `/workspaces/${first.workspaceId}`)).status).toBe(200);
    expect(existsSync(firstSandbox)).toBe(false);
    expect(readdirSync(daemon.dataDir)).not.toContain('agent-home');
  });

  it('a terminal\'s shell runs in the same sandbox, with no gateway token', async () => {
    const { workspaceId } = await runTask('say: idle');
    const viewer = await cp.viewerToken(NODE_ID, workspaceId);
    const socket = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/${workspaceId}/terminal/ws?token=${viewer}`);
    let output = '';
    const done = new Promise<void>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        output += data.toString('utf8');
        if (output.includes('end-42')) resolve();
      });
      socket.on('error', reject);
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const script = `echo "uid=$(id -u) home=$HOME anthropic=$(env | grep -c ANTHROPIC) proxy=$HTTPS_PROXY"; cat ${daemon.dataDir}/daemon.db ${operatorHome}/.netrc 2>&1 | head -c 300; echo end-$((6*7))\n`;
    socket.send(JSON.stringify({ type: 'input', data: script }));
    await done;
    socket.close();
    expect(output).toContain(`uid=1000 home=${join(daemon.dataDir, 'sandboxes', workspaceId, 'home')} anthropic=0 proxy=http://127.0.0.1:3128`);
    expect(output).not.toContain(CANARY);
  });
});
