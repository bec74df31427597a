/** The outbox's SQLite table: schema version, dedupe, batches by count and bytes, caps. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxStore } from './store.js';
import { makeMessage, makeTempDir } from '../../test/outbox/helpers.js';

describe('OutboxStore', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: Database.Database;
  let store: OutboxStore;

  const add = (workspaceId: string, padTo = 0): string => {
    const message = makeMessage('m', padTo);
    store.insert(workspaceId, message.messageId, JSON.stringify(message), Date.now());
    return message.messageId;
  };

  beforeEach(() => {
    temp = makeTempDir();
    db = new Database(join(temp.dir, 'outbox.db'));
    store = new OutboxStore(db);
  });

  afterEach(() => {
    db.close();
    temp.remove();
  });

  it('uses WAL and a numbered schema version, and reopens idempotently', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    add('w1');
    const again = new OutboxStore(db);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(again.count()).toBe(1);
  });

  it('refuses a database written by a newer schema', () => {
    db.pragma('user_version = 99');
    expect(() => new OutboxStore(db)).toThrow(/schema version 99 is newer/);
  });

  it('ignores a duplicate messageId', () => {
    const message = makeMessage('once');
    const json = JSON.stringify(message);
    expect(store.insert('w1', message.messageId, json, 1)).toBe(true);
    expect(store.insert('w1', message.messageId, json, 2)).toBe(false);
    expect(store.count()).toBe(1);
  });

  it('peeks one workspace in insertion order, bounded by count', () => {
    const ids = Array.from({ length: 5 }, () => add('w1'));
    add('w2');
    const batch = store.peekBatch('w1', 3, 1_000_000);
    expect(batch.map((row) => row.messageId)).toEqual(ids.slice(0, 3));
    expect(batch[0]).toMatchObject({ workspaceId: 'w1', attempts: 0 });
    expect(batch[0]!.message.messageId).toBe(ids[0]);
    expect(store.count('w1')).toBe(5);
  });

  it('peeks bounded by bytes, but always returns at least one message', () => {
    add('w1', 400);
    add('w1', 400);
    add('w1', 400);
    const size = store.peekBatch('w1', 1, 1_000_000)[0]!.byteSize;
    expect(store.peekBatch('w1', 10, size * 2)).toHaveLength(2);
    expect(store.peekBatch('w1', 10, size * 2 - 1)).toHaveLength(1);
    expect(store.peekBatch('w1', 10, 1)).toHaveLength(1);
    expect(store.peekBatch('nobody', 10, 1)).toEqual([]);
  });

  it('deletes by id, counts attempts and lists pending workspaces', () => {
    add('w1');
    add('w1');
    add('w2');
    const batch = store.peekBatch('w1', 10, 1_000_000);
    store.recordAttempt(batch.map((row) => row.id));
    store.recordAttempt([batch[0]!.id]);
    expect(store.peekBatch('w1', 10, 1_000_000).map((row) => row.attempts)).toEqual([2, 1]);
    expect(store.workspaceIds().sort()).toEqual(['w1', 'w2']);
    expect(store.deleteByIds([batch[0]!.id, 9999])).toBe(1);
    expect(store.count('w1')).toBe(1);
    expect(store.count()).toBe(2);
  });

  it('drops the oldest rows beyond a cap, across workspaces', () => {
    const first = add('w1');
    add('w2');
    const kept = [add('w1'), add('w2')];
    expect(store.dropOldestBeyond(5)).toEqual({ count: 0, workspaceIds: [] });
    const dropped = store.dropOldestBeyond(2);
    expect(dropped.count).toBe(2);
    expect(dropped.workspaceIds.sort()).toEqual(['w1', 'w2']);
    const left = [...store.peekBatch('w1', 10, 1e6), ...store.peekBatch('w2', 10, 1e6)];
    expect(left.map((row) => row.messageId).sort()).toEqual([...kept].sort());
    expect(left.some((row) => row.messageId === first)).toBe(false);
  });

  it('counts the versions of a draft and which one the control plane has', () => {
    const message = makeMessage('draft');
    const save = (id: string) => store.saveDraft('w1', id, JSON.stringify(message), Date.now());
    save(message.messageId);
    save(message.messageId);
    expect(store.unsentDraft('w1')).toMatchObject({ messageId: message.messageId, version: 2, sentAtMs: 0 });
    store.markDraftSent('w1', message.messageId, 2, 1234);
    expect(store.unsentDraft('w1')).toBeNull();
    save(message.messageId);
    expect(store.unsentDraft('w1')).toMatchObject({ version: 3, sentAtMs: 1234 });
    store.markDraftSent('w1', 'another message', 3, 5678);
    expect(store.unsentDraft('w1')).toMatchObject({ version: 3, sentAtMs: 1234 });
    save('next-message');
    expect(store.unsentDraft('w1')).toMatchObject({ messageId: 'next-message', version: 1, sentAtMs: 0 });
  });
});
