/**
 * A node daemon started as a standby (`--standby`, standby.ts), as a process: spawned with no
 * node of its own, it becomes the node whose settings arrive on its stdin — it announces itself
 * to the control plane under that node's id and serves its API; with stdin closed before a line
 * it exits 0; a line that is not a standby configuration is refused with exit 1, naming it.
 */
import { NODE_DAEMON_STANDBY_FLAG } from '@flotilla/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, startFakeControlPlane, type FakeControlPlane } from '@flotilla/testkit/daemon';

const binScript = join(dirname(createRequire(import.meta.url).resolve('@flotilla/node-daemon/package.json')), 'bin/node-daemon.mjs');
let cp: FakeControlPlane;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cp = await startFakeControlPlane();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await cp?.close();
});

/** Spawn a standby with only what every node shares (no node id, control plane or port). */
function spawnStandby(): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [binScript, NODE_DAEMON_STANDBY_FLAG], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8', FLOTILLA_UNSAFE_NO_SANDBOX: '1' },
  });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, output: () => output };
}

describe('a standby node daemon', () => {
  it('becomes the node whose settings arrive on its stdin', async () => {
    const standby = spawnStandby();
    const nodeId = 'nod_standby1';
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-standby-'));
    const tokenFile = join(dir, 'callback-token');
    writeFileSync(tokenFile, await cp.callbackToken(nodeId), { mode: 0o600 });
    const env = { FLOTILLA_NODE_ID: nodeId, FLOTILLA_CONTROL_PLANE_URL: cp.url, FLOTILLA_CALLBACK_TOKEN_FILE: tokenFile, FLOTILLA_DATA_DIR: join(dir, 'data'), FLOTILLA_HOST: '127.0.0.1', FLOTILLA_PORT: '0' };
    standby.child.stdin!.end(`${JSON.stringify({ env })}\n`);

    const ready = await cp.waitFor(() => cp.nodeReady.find((r) => r.id === nodeId), 60_000, 'nodeReady of the standby');
    const health = await daemonApi(ready.body.url, await cp.managementToken(nodeId)).request<{ nodeId: string }>('GET', '/health');
    expect(health.status).toBe(200);
    expect(standby.output()).toContain('"msg":"node daemon listening"');
    standby.child.kill('SIGTERM');
    expect(await standby.exit).toBe(0);
  });

  it('exits 0 when its stdin ends before any settings came', async () => {
    const standby = spawnStandby();
    standby.child.stdin!.end();
    expect(await standby.exit).toBe(0);
    expect(cp.nodeReady.filter((r) => r.id !== 'nod_standby1')).toEqual([]);
  });

  it('refuses settings that are not a standby configuration, naming them', async () => {
    const standby = spawnStandby();
    standby.child.stdin!.end(`${JSON.stringify({ env: { 'not a name': 'x' } })}\n`);
    expect(await standby.exit).toBe(1);
    expect(standby.output()).toContain('standby configuration (stdin): not a standby configuration: env.not a name');
  });
});
