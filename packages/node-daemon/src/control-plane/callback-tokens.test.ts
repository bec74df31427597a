/** Callback tokens over time: the newest node token kept across restarts, refreshed tokens from heartbeat answers. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { FakeControlPlane } from '@flotilla/testkit/daemon';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeTokenHolder, applyRefreshedTokens } from './callback-tokens.js';
import { readConfig } from '../config.js';
import { startDaemon, type RunningDaemon } from '../daemon.js';
import { openDatabase, type SqliteDatabase } from '../db/database.js';
import { WorkspaceStore } from '../db/workspace-store.js';
import { createLogger } from '@flotilla/kit';

const NODE_ID = 'nod_tokens';
const logger = createLogger('test');
const secret = new TextEncoder().encode('only-decoded-never-verified-here!');
const opened: SqliteDatabase[] = [];
let daemon: RunningDaemon | undefined;
let cp: FakeControlPlane | undefined;

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await cp?.close();
  cp = undefined;
  opened.splice(0).forEach((db) => db.open && db.close());
});

/** A callback-token-shaped JWT for `sub` expiring `expiresInS` seconds from now. */
function token(expiresInS: number, sub = NODE_ID, workspaceId?: string): Promise<string> {
  return new SignJWT(workspaceId ? { workspaceId } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInS)
    .sign(secret);
}

function open(dataDir: string): SqliteDatabase {
  const db = openDatabase(join(dataDir, 'daemon.db'));
  opened.push(db);
  return db;
}

/** Store `stored` as a refreshed node token, as a previous run would, and close the database. */
function previousRunStored(stored: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'node-token-'));
  const db = open(dataDir);
  expect(new NodeTokenHolder(db, NODE_ID, stored, logger).replace(stored)).toBe(true);
  db.close();
  return dataDir;
}

describe('NodeTokenHolder on start', () => {
  it('uses the stored (refreshed) node token over an older file token', async () => {
    const refreshed = await token(3600);
    const dataDir = previousRunStored(refreshed);
    const holder = new NodeTokenHolder(open(dataDir), NODE_ID, await token(60), logger);
    expect(holder.get()).toBe(refreshed);
  });

  it('keeps a newer file token over an older stored one', async () => {
    const dataDir = previousRunStored(await token(60));
    const fromFile = await token(3600);
    expect(new NodeTokenHolder(open(dataDir), NODE_ID, fromFile, logger).get()).toBe(fromFile);
  });

  it('ignores a stored token of another node', async () => {
    const dataDir = previousRunStored(await token(3600, 'nod_other'));
    const fromFile = await token(60);
    expect(new NodeTokenHolder(open(dataDir), NODE_ID, fromFile, logger).get()).toBe(fromFile);
  });
});

describe('applyRefreshedTokens', () => {
  it('swaps in the node token and the tokens of known workspaces, keeping later-expiring ones', async () => {
    const db = open(mkdtempSync(join(tmpdir(), 'node-token-')));
    const workspaces = new WorkspaceStore(db);
    const base = { path: '/w', branch: 'task/t', baseBranch: 'main', projectId: null, chatSessionId: null, taskId: null, repoUrl: null, egressAllowlist: [] };
    workspaces.insert({ ...base, id: 'ws_a', callbackToken: await token(10, NODE_ID, 'ws_a') });
    const laterThanOffered = await token(7200, NODE_ID, 'ws_b');
    workspaces.insert({ ...base, id: 'ws_b', callbackToken: laterThanOffered });
    const nodeToken = new NodeTokenHolder(db, NODE_ID, await token(10), logger);

    const fresh = { node: await token(3600), a: await token(3600, NODE_ID, 'ws_a'), b: await token(3600, NODE_ID, 'ws_b') };
    applyRefreshedTokens(
      { ok: true, callbackToken: fresh.node, workspaceTokens: { ws_a: fresh.a, ws_b: fresh.b, ws_unknown: fresh.a } },
      { nodeToken, workspaces, logger },
    );
    expect(nodeToken.get()).toBe(fresh.node);
    expect(workspaces.get('ws_a')?.callbackToken).toBe(fresh.a);
    expect(workspaces.get('ws_b')?.callbackToken).toBe(laterThanOffered);
    expect(workspaces.get('ws_unknown')).toBeUndefined();
    // An older node token arriving late (an earlier heartbeat's answer) does not replace it.
    expect(nodeToken.replace(await token(100))).toBe(false);
    expect(nodeToken.get()).toBe(fresh.node);
  });
});

describe('the daemon and refreshed node tokens', () => {
  it('presents a token from a heartbeat answer from then on, and again after a restart', async () => {
    const refreshed = await token(7200);
    // The test signs its own tokens: the fake takes any Bearer token, and answers heartbeats with the refreshed one.
    const fake = await FakeControlPlane.start({ tokens: 'any' });
    cp = fake;
    fake.heartbeatAnswer = () => ({ ok: true, callbackToken: refreshed, workspaceTokens: {} });
    const seen = () => fake.requests.map((request) => ({ route: request.route, exp: request.claims.exp }));
    const fileToken = await token(600);
    const config = readConfig(
      {
        FLOTILLA_NODE_ID: NODE_ID,
        FLOTILLA_CONTROL_PLANE_URL: fake.url,
        FLOTILLA_CALLBACK_TOKEN: fileToken,
        FLOTILLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'node-token-daemon-')),
        NODE_HEARTBEAT_INTERVAL_MS: '100',
      },
      () => '',
    );
    const expOf = (jwt: string) => decodeJwt(jwt).exp;

    daemon = await startDaemon({ config, credentials: {}, logger });
    await daemon.controlPlane.nodeReady({ url: daemon.url, daemonVersion: 'test', sandbox: 'none' });
    daemon.startHeartbeat();
    await expect.poll(() => fake.heartbeats.length).toBeGreaterThanOrEqual(3);
    await daemon.stop();
    // First the configured token; once the first heartbeat answer is in, the refreshed one.
    expect(seen()[0]).toEqual({ route: 'nodeReady', exp: expOf(fileToken) });
    expect(seen().at(-1)?.exp).toBe(expOf(refreshed));

    // Restarted with the same (older) file token: the stored refreshed token is used.
    const before = fake.requests.length;
    daemon = await startDaemon({ config, credentials: {}, logger });
    await daemon.controlPlane.nodeReady({ url: daemon.url, daemonVersion: 'test', sandbox: 'none' });
    expect(seen().slice(before)).toEqual([{ route: 'nodeReady', exp: expOf(refreshed) }]);
  });
});
