/**
 * D1 storage of triggers (migration 0016): the `triggers` rows and their `trigger_firings` — one
 * per task a trigger made, keyed so that one event (a schedule slot, a GitHub issue) makes one
 * task however often it arrives (`claimFiring`: INSERT … ON CONFLICT DO NOTHING).
 */
import { TriggerTemplate, type Trigger, type TriggerKind } from '@flotilla/contracts';
import type { SealedSecret } from '../credentials/crypto.js';

export interface TriggerRow {
  id: string;
  project_id: string;
  kind: TriggerKind;
  name: string;
  enabled: number;
  template: string | null;
  cron: string | null;
  label: string | null;
  secret_hash: string | null;
  secret_ciphertext: string | null;
  secret_iv: string | null;
  last_fired_slot: string | null;
  created_at: string;
  updated_at: string;
}

/** A new trigger's row, as the API made it. */
export interface NewTrigger {
  id: string;
  projectId: string;
  kind: TriggerKind;
  name: string;
  template: TriggerTemplate | null;
  cron: string | null;
  label: string | null;
  secretHash: string | null;
  sealedSecret: SealedSecret | null;
}

/** Insert `trigger`, enabled. @returns the row written */
export async function insertTrigger(db: D1Database, trigger: NewTrigger): Promise<TriggerRow> {
  const now = new Date().toISOString();
  const row = await db
    .prepare(
      `INSERT INTO triggers (id, project_id, kind, name, enabled, template, cron, label, secret_hash, secret_ciphertext, secret_iv, created_at, updated_at)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(
      trigger.id,
      trigger.projectId,
      trigger.kind,
      trigger.name,
      trigger.template ? JSON.stringify(trigger.template) : null,
      trigger.cron,
      trigger.label,
      trigger.secretHash,
      trigger.sealedSecret?.ciphertext ?? null,
      trigger.sealedSecret?.iv ?? null,
      now,
      now,
    )
    .first<TriggerRow>();
  if (!row) throw new Error(`trigger ${trigger.id} was not written`);
  return row;
}

export async function getTriggerRow(db: D1Database, triggerId: string): Promise<TriggerRow | null> {
  return db.prepare('SELECT * FROM triggers WHERE id = ?').bind(triggerId).first<TriggerRow>();
}

/** A project's triggers, oldest first. */
export async function listTriggerRows(db: D1Database, projectId: string): Promise<TriggerRow[]> {
  return (await db.prepare('SELECT * FROM triggers WHERE project_id = ? ORDER BY created_at, id').bind(projectId).all<TriggerRow>()).results;
}

/** Every enabled schedule trigger. */
export async function listEnabledSchedules(db: D1Database): Promise<TriggerRow[]> {
  return (await db.prepare("SELECT * FROM triggers WHERE kind = 'schedule' AND enabled = 1").all<TriggerRow>()).results;
}

/** Turn a trigger on or off. @returns the row written, or null when it is gone */
export async function setTriggerEnabled(db: D1Database, triggerId: string, enabled: boolean): Promise<TriggerRow | null> {
  return db.prepare('UPDATE triggers SET enabled = ?, updated_at = ? WHERE id = ? RETURNING *').bind(enabled ? 1 : 0, new Date().toISOString(), triggerId).first<TriggerRow>();
}

/** @returns false when there was no such trigger */
export async function deleteTriggerRow(db: D1Database, triggerId: string): Promise<boolean> {
  await db.prepare('DELETE FROM trigger_firings WHERE trigger_id = ?').bind(triggerId).run();
  const result = await db.prepare('DELETE FROM triggers WHERE id = ?').bind(triggerId).run();
  return result.meta.changes > 0;
}

/** Record `slot` (ISO time) as the last fired slot of a schedule trigger, unless a later one is recorded. */
export async function recordFiredSlot(db: D1Database, triggerId: string, slot: string): Promise<void> {
  await db.prepare('UPDATE triggers SET last_fired_slot = ? WHERE id = ? AND (last_fired_slot IS NULL OR last_fired_slot < ?)').bind(slot, triggerId, slot).run();
}

/** What makes a firing: its key, and for a GitHub issue the delivery and the issue. */
export interface FiringClaim {
  triggerId: string;
  fireKey: string;
  deliveryId?: string;
  issueRepository?: string;
  issueNumber?: number;
}

export interface FiringRow {
  trigger_id: string;
  fire_key: string;
  task_id: string | null;
  delivery_id: string | null;
  issue_repository: string | null;
  issue_number: number | null;
  comment_state: 'pending' | 'done' | 'failed' | null;
  comment_attempts: number;
  created_at: string;
}

/**
 * Claim the firing `claim.fireKey` of a trigger: exactly one caller gets true, however many try
 * at once (the primary key, and for GitHub the delivery id, are unique).
 */
export async function claimFiring(db: D1Database, claim: FiringClaim): Promise<boolean> {
  const row = await db
    .prepare(
      `INSERT INTO trigger_firings (trigger_id, fire_key, delivery_id, issue_repository, issue_number, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING fire_key`,
    )
    .bind(claim.triggerId, claim.fireKey, claim.deliveryId ?? null, claim.issueRepository ?? null, claim.issueNumber ?? null, new Date().toISOString())
    .first<{ fire_key: string }>();
  return row !== null;
}

/** The firing with `fireKey`, or the one of GitHub delivery `deliveryId`. */
export async function findFiring(db: D1Database, triggerId: string, fireKey: string, deliveryId?: string): Promise<FiringRow | null> {
  return db
    .prepare('SELECT * FROM trigger_firings WHERE trigger_id = ? AND (fire_key = ? OR (delivery_id IS NOT NULL AND delivery_id = ?)) LIMIT 1')
    .bind(triggerId, fireKey, deliveryId ?? null)
    .first<FiringRow>();
}

/** The task a firing made; a GitHub issue's task owes a comment (`pending`). */
export async function recordFiringTask(db: D1Database, triggerId: string, fireKey: string, taskId: string, owesComment: boolean): Promise<void> {
  await db
    .prepare('UPDATE trigger_firings SET task_id = ?, comment_state = ? WHERE trigger_id = ? AND fire_key = ?')
    .bind(taskId, owesComment ? 'pending' : null, triggerId, fireKey)
    .run();
}

/** Give a firing up (its task could not be made), so the event can make one when it comes again. */
export async function releaseFiring(db: D1Database, triggerId: string, fireKey: string): Promise<void> {
  await db.prepare('DELETE FROM trigger_firings WHERE trigger_id = ? AND fire_key = ? AND task_id IS NULL').bind(triggerId, fireKey).run();
}

/** A firing that owes a comment on its GitHub issue, with its task's end. */
export interface PendingComment extends FiringRow {
  task_status: string;
}

/** Firings that owe a comment and whose task ended (completed, failed, cancelled). */
export async function listPendingComments(db: D1Database): Promise<PendingComment[]> {
  const sql = `SELECT f.*, t.status AS task_status FROM trigger_firings f JOIN tasks t ON t.id = f.task_id
     WHERE f.comment_state = 'pending' AND t.status IN ('completed', 'failed', 'cancelled')`;
  return (await db.prepare(sql).all<PendingComment>()).results;
}

/** Whether task `taskId` was made from a GitHub issue and its comment is still owed. */
export async function owesComment(db: D1Database, taskId: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS owes FROM trigger_firings WHERE task_id = ? AND comment_state = 'pending' LIMIT 1").bind(taskId).first()) !== null;
}

/**
 * Claim the next comment attempt of a firing: one caller wins while an attempt is under way
 * (claimed less than `leaseMs` ago). @returns the attempt's number (1 for the first), or null
 */
export async function claimCommentAttempt(db: D1Database, firing: Pick<FiringRow, 'trigger_id' | 'fire_key'>, leaseMs: number): Promise<number | null> {
  const now = Date.now();
  const row = await db
    .prepare(
      `UPDATE trigger_firings SET comment_attempts = comment_attempts + 1, comment_claimed_at = ?
       WHERE trigger_id = ? AND fire_key = ? AND comment_state = 'pending' AND (comment_claimed_at IS NULL OR comment_claimed_at < ?)
       RETURNING comment_attempts`,
    )
    .bind(new Date(now).toISOString(), firing.trigger_id, firing.fire_key, new Date(now - leaseMs).toISOString())
    .first<{ comment_attempts: number }>();
  return row?.comment_attempts ?? null;
}

/** End a comment attempt: `done`, `failed` (no attempt left), or `pending` again (the next sweep tries again). */
export async function finishCommentAttempt(db: D1Database, firing: Pick<FiringRow, 'trigger_id' | 'fire_key'>, state: 'pending' | 'done' | 'failed'): Promise<void> {
  await db
    .prepare("UPDATE trigger_firings SET comment_state = ?, comment_claimed_at = NULL WHERE trigger_id = ? AND fire_key = ? AND comment_state = 'pending'")
    .bind(state, firing.trigger_id, firing.fire_key)
    .run();
}

/** The template stored in a row, or null. */
export function templateOf(row: TriggerRow): TriggerTemplate | null {
  return row.template ? TriggerTemplate.parse(JSON.parse(row.template)) : null;
}

/** A row as the API shows it; `nextSlot` comes from the schedule (schedule.ts). */
export function toTrigger(row: TriggerRow, nextSlot: string | null): Trigger {
  const hookPath = row.kind === 'webhook' ? `/api/triggers/${row.id}/webhook` : row.kind === 'github_issue' ? `/api/triggers/${row.id}/github` : null;
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind,
    name: row.name,
    enabled: row.enabled === 1,
    template: templateOf(row),
    cron: row.cron,
    label: row.label,
    lastFiredSlot: row.last_fired_slot,
    nextSlot,
    hookPath,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
