/**
 * D1 storage of the audit log (`audit_events`, migration 0018): insert one event, read a page
 * newest first (by `at`, then insertion order), and delete events older than the retention. Every SQL
 * statement on the table is here. `project_id IS ?` matches a project's events, or with null the
 * events of no project. Events of the same millisecond are ordered by when they were stored (rowid):
 * a task created and run in one request reads created, then run.
 */
import { AuditEvent, type AuditAction, type AuditTargetKind } from '@flotilla/contracts';
import { notFound } from '@flotilla/kit';

interface AuditRow {
  id: string;
  project_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  /** The actor's login (users, joined), when the actor is a signed-in user. */
  actor_login: string | null;
  action: AuditAction;
  target_kind: AuditTargetKind;
  target_id: string;
  /** JSON object of plain facts. */
  detail: string;
  at: number;
}

const toEvent = (row: AuditRow): AuditEvent =>
  AuditEvent.parse({
    id: row.id,
    projectId: row.project_id,
    actorUserId: row.actor_user_id,
    actorTokenId: row.actor_token_id,
    actorName: row.actor_login,
    action: row.action,
    targetKind: row.target_kind,
    targetId: row.target_id,
    detail: JSON.parse(row.detail) as unknown,
    at: row.at,
  });

/** Store one event as given (its id and time already made). */
export async function insertAuditEvent(db: D1Database, event: Omit<AuditEvent, 'actorName'>): Promise<void> {
  await db
    .prepare('INSERT INTO audit_events (id, project_id, actor_user_id, actor_token_id, action, target_kind, target_id, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(event.id, event.projectId, event.actorUserId, event.actorTokenId, event.action, event.targetKind, event.targetId, JSON.stringify(event.detail), event.at)
    .run();
}

/** Where a page starts: after an event (its id), before a time (ms since the epoch), or at the newest. */
export type AuditCursor = { eventId: string } | { beforeMs: number } | null;

/** A page of the audit log of `projectId` (null: events of no project), newest first. */
export interface AuditPageRequest {
  projectId: string | null;
  cursor: AuditCursor;
  limit: number;
}

/**
 * The newest `limit` events of the scope older than the cursor, and whether older ones remain.
 * @throws FlotillaError not_found (404) when the cursor names an event not in this scope
 */
export async function listAuditEvents(db: D1Database, request: AuditPageRequest): Promise<{ events: AuditEvent[]; hasOlder: boolean }> {
  const { projectId, cursor, limit } = request;
  let where = 'audit_events.project_id IS ?';
  const binds: Array<string | number | null> = [projectId];
  if (cursor && 'eventId' in cursor) {
    const from = await db.prepare('SELECT at, rowid AS seq FROM audit_events WHERE id = ? AND project_id IS ?').bind(cursor.eventId, projectId).first<{ at: number; seq: number }>();
    if (!from) throw notFound(`audit event ${cursor.eventId} not found here`);
    where += ' AND (audit_events.at < ? OR (audit_events.at = ? AND audit_events.rowid < ?))';
    binds.push(from.at, from.at, from.seq);
  } else if (cursor) {
    where += ' AND audit_events.at < ?';
    binds.push(cursor.beforeMs);
  }
  const { results } = await db
    .prepare(`SELECT audit_events.*, users.login AS actor_login FROM audit_events LEFT JOIN users ON users.id = audit_events.actor_user_id WHERE ${where} ORDER BY audit_events.at DESC, audit_events.rowid DESC LIMIT ?`)
    .bind(...binds, limit + 1)
    .all<AuditRow>();
  return { events: results.slice(0, limit).map(toEvent), hasOlder: results.length > limit };
}

/**
 * Delete up to `batch` events recorded before `beforeMs` (ms since the epoch), oldest first.
 * @returns how many were deleted
 */
export async function deleteAuditEventsBefore(db: D1Database, beforeMs: number, batch: number): Promise<number> {
  const result = await db
    .prepare('DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < ? ORDER BY at LIMIT ?)')
    .bind(beforeMs, batch)
    .run();
  return result.meta.changes;
}
