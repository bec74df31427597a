/**
 * Coalesced assistant text survives a crash (issue 3: "the outbox is written before anything
 * else happens with a message"). While the agent is still writing one assistant message its text
 * is kept as the workspace's draft in the daemon's SQLite; the daemon is SIGKILLed mid-message
 * and started again on the same data directory: the text written so far reaches the chat, once.
 * Real daemon processes, real scripted agent, the fake control plane of these tests.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, startAgentWorkspace } from '@flotilla/testkit/daemon';

const NODE_ID = 'nod_draft';
let cp: FakeControlPlane;
let daemon: DaemonProcess;

beforeAll(async () => {
  cp = await startFakeControlPlane();
});

afterAll(async () => {
  await daemon?.stop();
  await cp?.close();
});

/** The drafts in the daemon's database, read from outside the process. */
function drafts(dataDir: string): Array<{ content: string }> {
  const db = new Database(join(dataDir, 'daemon.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], { message_json: string }>('SELECT message_json FROM outbox_drafts').all().map((row) => JSON.parse(row.message_json) as { content: string });
  } finally {
    db.close();
  }
}

describe('an assistant message being written when the daemon crashes', () => {
  it('is kept as a draft, and delivered as far as it was written after the restart', async () => {
    const callbackToken = await cp.callbackToken(NODE_ID);
    daemon = await startDaemonProcess({ nodeId: NODE_ID, controlPlaneUrl: cp.url, callbackToken, env: {} });
    const api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
    const { workspaceId } = await startAgentWorkspace(api, cp, { nodeId: NODE_ID, projectId: 'prj_draft', chatSessionId: 'ses_draft', prompt: 'chunks: 5 part-\nsleep: 60000' });
    const expected = 'part-'.repeat(5);
    await cp.waitFor(() => (drafts(daemon.dataDir)[0]?.content === expected ? true : undefined), 30_000, 'the draft with all five chunks');
    const assistant = () => cp.messages.filter((m) => m.id === workspaceId && m.body.role === 'assistant');
    expect(assistant()).toEqual([]); // still being written: not sent

    daemon.child.kill('SIGKILL');
    await new Promise((resolve) => daemon.child.once('exit', resolve));
    daemon = await startDaemonProcess({ nodeId: NODE_ID, controlPlaneUrl: cp.url, callbackToken, dataDir: daemon.dataDir, env: {} });
    await cp.waitFor(() => (assistant().length > 0 ? true : undefined), 30_000, 'the assistant text after the restart');
    expect(assistant().map((m) => m.body.content)).toEqual([expected]);
    expect(drafts(daemon.dataDir)).toEqual([]);
  });
});
