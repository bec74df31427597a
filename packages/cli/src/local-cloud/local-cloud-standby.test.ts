/**
 * The local cloud's standby daemon (standby-daemon.ts, issue 15): the process started ahead of
 * any node becomes the next node created — with that node's settings, through its stdin, and
 * nothing else of the CLI's environment — its log becomes the node's; while no standby is there a
 * node is spawned as before; the next standby comes after the refill delay; a standby that
 * cannot be started is logged and tried again at the next node; closing the cloud stops it. The "node daemon" is a Node process that, as a standby, reads its settings line from
 * stdin and then serves its environment on FLOTILLA_PORT (what the real one does: node-daemon
 * standby.ts, tested in node-daemon test/standby.test.ts).
 */
import { createLocalProvider } from '@flotilla/providers';
import { createLogger } from '@flotilla/kit';
import { NODE_DAEMON_STANDBY_FLAG } from '@flotilla/contracts';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from './local-cloud.js';

const STANDBY_DAEMON = [
  process.execPath,
  '-e',
  `const serve = () => require('node:http').createServer((q, r) => r.end(JSON.stringify({ env: process.env, standby: process.argv.includes('${NODE_DAEMON_STANDBY_FLAG}') }))).listen(Number(process.env.FLOTILLA_PORT), '127.0.0.1');
   if (!process.argv.includes('${NODE_DAEMON_STANDBY_FLAG}')) serve();
   else {
     console.log('standby loaded');
     let buffered = '';
     process.stdin.setEncoding('utf8').on('data', (chunk) => {
       buffered += chunk;
       if (!buffered.includes('\\n')) return;
       Object.assign(process.env, JSON.parse(buffered.slice(0, buffered.indexOf('\\n'))).env);
       process.stdin.destroy();
       console.log('configured as ' + process.env.FLOTILLA_NODE_ID + ' on port ' + process.env.FLOTILLA_PORT);
       serve();
     });
   }`,
  '--', // what follows (the standby flag) is the script's, not node's
];
const SECRET = 'local-cloud-test-secret-0123456789abcdef';
const CANARY = 'canary-api-token-5b1f0c';
const clouds: LocalCloud[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(clouds.map((cloud) => cloud.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function startCloud(refillDelayMs: number): Promise<{ cloud: LocalCloud; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-local-cloud-standby-'));
  dirs.push(dataDir);
  const cloud = await startLocalCloud({
    dataDir,
    daemonCommand: STANDBY_DAEMON,
    env: { inherited: { PATH: process.env.PATH, FLOTILLA_API_TOKEN: CANARY, ANTHROPIC_API_KEY: 'for-agents-only', FLOTILLA_NODE_ID: 'nod_from_the_cli_environment' } },
    secret: SECRET,
    stopGraceMs: 2_000,
    standby: true,
    standbyRefillDelayMs: refillDelayMs,
  });
  clouds.push(cloud);
  return { cloud, dataDir };
}

/** The environment a process was started with, from /proc. */
function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/**
 * What node `nodeId`'s daemon serves, once it listens. Its port: from its environment when it
 * was spawned as that node, else from its log (a standby got its settings on stdin).
 */
async function askDaemonOf(cloud: LocalCloud, dataDir: string, nodeId: string): Promise<{ env: Record<string, string>; standby: boolean }> {
  const pid = cloud.nodes().find((n) => n.nodeId === nodeId)?.pid ?? 0;
  let port = environOf(pid).FLOTILLA_PORT;
  while (port === undefined) {
    port = /on port (\d+)/.exec(readFileSync(join(dataDir, nodeId, 'daemon.log'), 'utf8'))?.[1];
    if (port === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return askDaemon(Number(port));
}

/** What the node daemon at `port` serves, once it listens. */
async function askDaemon(port: number): Promise<{ env: Record<string, string>; standby: boolean }> {
  for (;;) {
    try {
      return (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { env: Record<string, string>; standby: boolean };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Resolves once `cloud` has a standby other than `not` (polls; the refill is a timer). */
async function standbyOf(cloud: LocalCloud, not: number | null = null): Promise<number> {
  for (;;) {
    const pid = cloud.standbyPid();
    if (pid !== null && pid !== not) return pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const node = (nodeId: string) => ({ nodeId, controlPlaneUrl: 'http://127.0.0.1:8787', callbackToken: `token-of-${nodeId}` });

describe('the standby daemon of the local cloud', () => {
  it('becomes the next node, with that node’s settings and its log, and is replaced after the refill delay', async () => {
    const { cloud, dataDir } = await startCloud(0);
    const waiting = await standbyOf(cloud);
    const spawnedWith = environOf(waiting);
    expect(spawnedWith).toMatchObject({ ANTHROPIC_API_KEY: 'for-agents-only' });
    expect(Object.keys(spawnedWith)).not.toContain('FLOTILLA_NODE_ID');
    expect(Object.values(spawnedWith).join('\n')).not.toContain(CANARY);

    const provider = createLocalProvider({ cloudUrl: cloud.url, secret: SECRET });
    const created = await provider.createNode(node('nod_standby1'));
    expect(created.providerRef).toBe(String(waiting));
    const served = await askDaemonOf(cloud, dataDir, 'nod_standby1');
    expect(served.standby).toBe(true);
    expect(served.env).toMatchObject({
      FLOTILLA_NODE_ID: 'nod_standby1',
      FLOTILLA_CALLBACK_TOKEN_FILE: join(dataDir, 'nod_standby1', 'callback-token'),
      FLOTILLA_DATA_DIR: join(dataDir, 'nod_standby1', 'data'),
      FLOTILLA_HOST: '127.0.0.1',
      ANTHROPIC_API_KEY: 'for-agents-only',
    });
    expect(readFileSync(join(dataDir, 'nod_standby1', 'callback-token'), 'utf8')).toBe('token-of-nod_standby1');
    expect(readFileSync(join(dataDir, 'nod_standby1', 'daemon.log'), 'utf8')).toMatch(/^standby loaded\nconfigured as nod_standby1 on port \d+\n$/);

    const next = await standbyOf(cloud, waiting);
    const second = await provider.createNode(node('nod_standby2'));
    expect(second.providerRef).toBe(String(next));
    expect((await askDaemonOf(cloud, dataDir, 'nod_standby2')).env.FLOTILLA_NODE_ID).toBe('nod_standby2');
  });

  it('spawns a node as before while no standby is there, and restarts a standby’s node the usual way', async () => {
    const { cloud, dataDir } = await startCloud(600_000);
    const waiting = await standbyOf(cloud);
    const provider = createLocalProvider({ cloudUrl: cloud.url, secret: SECRET });
    expect((await provider.createNode(node('nod_first'))).providerRef).toBe(String(waiting));
    expect(cloud.standbyPid()).toBeNull();
    const spawned = await provider.createNode(node('nod_second'));
    expect(environOf(Number(spawned.providerRef)).FLOTILLA_NODE_ID).toBe('nod_second');
    expect((await askDaemonOf(cloud, dataDir, 'nod_second')).standby).toBe(false);

    const { port } = await askDaemonOf(cloud, dataDir, 'nod_first').then((served) => ({ port: served.env.FLOTILLA_PORT }));
    await cloud.restartNode('nod_first');
    const restarted = cloud.nodes().find((n) => n.nodeId === 'nod_first');
    expect(restarted?.pid).not.toBe(waiting);
    expect(environOf(restarted?.pid ?? 0)).toMatchObject({ FLOTILLA_NODE_ID: 'nod_first', FLOTILLA_PORT: port });
  });

  it('keeps working when a standby cannot be started: it logs why, spawns nodes, and tries again at the next node', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-local-cloud-standby-'));
    dirs.push(dataDir);
    writeFileSync(join(dataDir, '.standby'), 'not a directory');
    const warnings: string[] = [];
    const logger = createLogger('local-cloud', { sink: (level, line) => void (level === 'warn' && warnings.push(line)) });
    const cloud = await startLocalCloud({ dataDir, daemonCommand: STANDBY_DAEMON, env: { inherited: { PATH: process.env.PATH } }, secret: SECRET, stopGraceMs: 2_000, standby: true, standbyRefillDelayMs: 0, logger });
    clouds.push(cloud);
    expect(cloud.standbyPid()).toBeNull();
    expect(warnings).toEqual([expect.stringContaining('"msg":"standby node daemon not started"')]);
    rmSync(join(dataDir, '.standby'));
    const provider = createLocalProvider({ cloudUrl: cloud.url, secret: SECRET });
    const spawned = await provider.createNode(node('nod_nostandby'));
    expect(environOf(Number(spawned.providerRef)).FLOTILLA_NODE_ID).toBe('nod_nostandby');
    const next = await standbyOf(cloud);
    expect((await provider.createNode(node('nod_tookit'))).providerRef).toBe(String(next));
  });

  it('stops the standby when the cloud closes, and removes its log', async () => {
    const { cloud, dataDir } = await startCloud(0);
    const waiting = await standbyOf(cloud);
    await cloud.close();
    expect(() => process.kill(waiting, 0)).toThrow();
    expect(cloud.standbyPid()).toBeNull();
    expect(readdirSync(join(dataDir, '.standby'))).toEqual([]); // its log went with it
  });
});

