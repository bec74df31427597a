/**
 * The durable half of the message outbox: one SQLite table of chat messages not yet acknowledged
 * by the control plane (DESIGN.md section 4, "Node daemon: one SQLite file per node").
 *
 * The schema is created by numbered migrations tracked in `PRAGMA user_version`; each migration
 * is idempotent (`IF NOT EXISTS`), so reopening a file is always safe. The database is switched to
 * WAL so a crash never loses a committed INSERT and readers never block the writer.
 *
 * All methods are synchronous (better-sqlite3) and throw better-sqlite3's `SqliteError` on I/O or
 * constraint failures.
 */
import type Database from 'better-sqlite3';
import type { ChatMessageInput } from '@flotilla/contracts';

/**
 * Schema migrations, applied in order; migration N (1-based) brings `user_version` to N.
 * Append new migrations; never edit a released one.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS outbox_messages (
     id           INTEGER PRIMARY KEY AUTOINCREMENT,
     message_id   TEXT    NOT NULL UNIQUE,
     workspace_id TEXT    NOT NULL,
     message_json TEXT    NOT NULL,
     byte_size    INTEGER NOT NULL,
     created_at   INTEGER NOT NULL,
     attempts     INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX IF NOT EXISTS outbox_messages_workspace ON outbox_messages (workspace_id, id);`,
  // The message each workspace is still writing (coalesced text), kept until it is enqueued.
  `CREATE TABLE IF NOT EXISTS outbox_drafts (
     workspace_id TEXT    PRIMARY KEY,
     message_id   TEXT    NOT NULL,
     message_json TEXT    NOT NULL,
     byte_size    INTEGER NOT NULL,
     updated_at   INTEGER NOT NULL
   );`,
  // 3: drafts are delivered too (rate-bounded): which version of each is the control plane's.
  `ALTER TABLE outbox_drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE outbox_drafts ADD COLUMN sent_version INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE outbox_drafts ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;`,
];

/** One outbox row, its message parsed back from JSON. */
export interface StoredMessage {
  /** Autoincrement row id: insertion order across all workspaces. */
  id: number;
  messageId: string;
  workspaceId: string;
  message: ChatMessageInput;
  /** Bytes of the message's JSON as it will appear in the request body. */
  byteSize: number;
  /** When the message was enqueued, epoch milliseconds. */
  createdAt: number;
  /** Send attempts made so far for this message. */
  attempts: number;
}

/** A draft whose latest version the control plane does not have yet. */
export interface UnsentDraft {
  messageId: string;
  message: ChatMessageInput;
  /** Counts the saves of this message's draft, from 1. */
  version: number;
  /** When a version of it was last sent, epoch ms; 0 when never. */
  sentAtMs: number;
}

/** What `dropOldestBeyond` removed. */
export interface DroppedRows {
  count: number;
  /** Distinct workspaces that lost messages, in no particular order. */
  workspaceIds: string[];
}

interface Row {
  id: number;
  message_id: string;
  workspace_id: string;
  message_json: string;
  byte_size: number;
  created_at: number;
  attempts: number;
}

/**
 * Bring the outbox schema in `db` up to date.
 *
 * @throws Error when the file was written by a newer daemon (its `user_version` is beyond ours).
 */
function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `outbox database schema version ${current} is newer than this daemon supports (${MIGRATIONS.length})`,
    );
  }
  MIGRATIONS.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    })();
  });
}

/** The outbox table of one SQLite database. Construct once per database handle. */
export class OutboxStore {
  private readonly statements;

  /**
   * Switch `db` to WAL and apply pending migrations.
   *
   * @param db an open better-sqlite3 handle; the caller owns it and closes it.
   */
  constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    migrate(db);
    this.statements = {
      insert: db.prepare<[string, string, string, number, number]>(
        `INSERT INTO outbox_messages (message_id, workspace_id, message_json, byte_size, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
      ),
      peek: db.prepare<[string, number], Row>(
        `SELECT * FROM outbox_messages WHERE workspace_id = ? ORDER BY id LIMIT ?`,
      ),
      deleteIds: db.prepare<[string]>(
        `DELETE FROM outbox_messages WHERE id IN (SELECT value FROM json_each(?))`,
      ),
      recordAttempt: db.prepare<[string]>(
        `UPDATE outbox_messages SET attempts = attempts + 1
         WHERE id IN (SELECT value FROM json_each(?))`,
      ),
      countAll: db.prepare<[], number>(`SELECT count(*) FROM outbox_messages`).pluck(),
      countWorkspace: db
        .prepare<[string], number>(`SELECT count(*) FROM outbox_messages WHERE workspace_id = ?`)
        .pluck(),
      workspaceIds: db
        .prepare<[], string>(`SELECT DISTINCT workspace_id FROM outbox_messages`)
        .pluck(),
      oldestWorkspaceIds: db
        .prepare<[number], string>(
          `SELECT DISTINCT workspace_id FROM
             (SELECT workspace_id FROM outbox_messages ORDER BY id LIMIT ?)`,
        )
        .pluck(),
      // A new message starts over at version 1, never sent; the same message counts one more version.
      saveDraft: db.prepare<[string, string, string, number, number]>(
        `INSERT INTO outbox_drafts (workspace_id, message_id, message_json, byte_size, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id) DO UPDATE SET
           version = CASE WHEN message_id = excluded.message_id THEN version + 1 ELSE 1 END,
           sent_version = CASE WHEN message_id = excluded.message_id THEN sent_version ELSE 0 END,
           sent_at = CASE WHEN message_id = excluded.message_id THEN sent_at ELSE 0 END,
           message_id = excluded.message_id, message_json = excluded.message_json,
           byte_size = excluded.byte_size, updated_at = excluded.updated_at`,
      ),
      unsentDraft: db.prepare<[string], { message_id: string; message_json: string; version: number; sent_at: number }>(
        `SELECT message_id, message_json, version, sent_at FROM outbox_drafts WHERE workspace_id = ? AND version > sent_version`,
      ),
      markDraftSent: db.prepare<[number, number, string, string]>(
        `UPDATE outbox_drafts SET sent_version = max(sent_version, ?), sent_at = ? WHERE workspace_id = ? AND message_id = ?`,
      ),
      deleteDraft: db.prepare<[string]>(`DELETE FROM outbox_drafts WHERE workspace_id = ?`),
      deleteDraftOfMessage: db.prepare<[string]>(`DELETE FROM outbox_drafts WHERE message_id = ?`),
      drafts: db.prepare<[], { workspace_id: string; message_id: string; message_json: string; updated_at: number }>(
        `SELECT workspace_id, message_id, message_json, updated_at FROM outbox_drafts ORDER BY updated_at`,
      ),
      deleteOldest: db.prepare<[number]>(
        `DELETE FROM outbox_messages
         WHERE id IN (SELECT id FROM outbox_messages ORDER BY id LIMIT ?)`,
      ),
    };
  }

  /**
   * Durably store one message (committed when this returns).
   *
   * @param workspaceId workspace the message belongs to.
   * @param messageId the message's idempotency key.
   * @param json the message serialised as it will be sent.
   * @param createdAtMs enqueue time, epoch milliseconds.
   * @returns false when a row with this `messageId` was already stored (nothing changed).
   */
  insert(workspaceId: string, messageId: string, json: string, createdAtMs: number): boolean {
    const size = Buffer.byteLength(json);
    return this.statements.insert.run(messageId, workspaceId, json, size, createdAtMs).changes > 0;
  }

  /**
   * The oldest messages of one workspace, without removing them.
   *
   * @param maxCount most messages to return (>= 1).
   * @param maxBytes most total `byteSize` to return; the first message is returned even when it
   *   alone is larger, so an oversized message cannot block the workspace.
   * @returns messages in insertion order; empty when the workspace has nothing pending.
   */
  peekBatch(workspaceId: string, maxCount: number, maxBytes: number): StoredMessage[] {
    const batch: StoredMessage[] = [];
    let bytes = 0;
    for (const row of this.statements.peek.iterate(workspaceId, maxCount)) {
      if (batch.length > 0 && bytes + row.byte_size > maxBytes) break;
      bytes += row.byte_size;
      batch.push(toStoredMessage(row));
    }
    return batch;
  }

  /** Delete rows by id; ids that no longer exist are ignored. Returns how many were deleted. */
  deleteByIds(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    return this.statements.deleteIds.run(JSON.stringify(ids)).changes;
  }

  /** Count one more send attempt for each of these rows. */
  recordAttempt(ids: readonly number[]): void {
    if (ids.length > 0) this.statements.recordAttempt.run(JSON.stringify(ids));
  }

  /** Messages pending for `workspaceId`, or in the whole outbox when omitted. */
  count(workspaceId?: string): number {
    return workspaceId === undefined
      ? this.statements.countAll.get()!
      : this.statements.countWorkspace.get(workspaceId)!;
  }

  /** Workspaces that have at least one pending message. */
  workspaceIds(): string[] {
    return this.statements.workspaceIds.all();
  }

  /**
   * Delete the oldest rows (all workspaces) until at most `maxSize` remain.
   *
   * @param maxSize rows to keep (>= 0).
   */
  dropOldestBeyond(maxSize: number): DroppedRows {
    return this.db.transaction((): DroppedRows => {
      const excess = this.count() - maxSize;
      if (excess <= 0) return { count: 0, workspaceIds: [] };
      const workspaceIds = this.statements.oldestWorkspaceIds.all(excess);
      const count = this.statements.deleteOldest.run(excess).changes;
      return { count, workspaceIds };
    })();
  }

  /** Keep `json` (message `messageId`) as the draft of `workspaceId`, replacing its previous one. */
  saveDraft(workspaceId: string, messageId: string, json: string, atMs: number): void {
    this.statements.saveDraft.run(workspaceId, messageId, json, Buffer.byteLength(json), atMs);
  }

  /**
   * The draft of `workspaceId` when its latest version is not yet the control plane's, or null.
   * `sentAtMs` is when an earlier version of the same message was last sent (0: never).
   */
  unsentDraft(workspaceId: string): UnsentDraft | null {
    const row = this.statements.unsentDraft.get(workspaceId);
    if (!row) return null;
    return { messageId: row.message_id, message: JSON.parse(row.message_json) as ChatMessageInput, version: row.version, sentAtMs: row.sent_at };
  }

  /**
   * Record that `version` of the draft of message `messageId` reached the control plane (or was
   * refused for good) at `atMs`. Nothing happens when the draft has moved on to another message.
   */
  markDraftSent(workspaceId: string, messageId: string, version: number, atMs: number): void {
    this.statements.markDraftSent.run(version, atMs, workspaceId, messageId);
  }

  /** Forget the draft of `workspaceId`. */
  deleteDraft(workspaceId: string): void {
    this.statements.deleteDraft.run(workspaceId);
  }

  /** Forget the draft that became message `messageId` (it is enqueued now). */
  deleteDraftOfMessage(messageId: string): void {
    this.statements.deleteDraftOfMessage.run(messageId);
  }

  /** Every draft left, oldest first (after a restart: messages a crash cut short). */
  drafts(): Array<{ workspaceId: string; messageId: string; json: string; updatedAt: number }> {
    return this.statements.drafts.all().map((row) => ({ workspaceId: row.workspace_id, messageId: row.message_id, json: row.message_json, updatedAt: row.updated_at }));
  }

  /** Run `fn` in one SQLite transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function toStoredMessage(row: Row): StoredMessage {
  return {
    id: row.id,
    messageId: row.message_id,
    workspaceId: row.workspace_id,
    message: JSON.parse(row.message_json) as ChatMessageInput,
    byteSize: row.byte_size,
    createdAt: row.created_at,
    attempts: row.attempts,
  };
}
