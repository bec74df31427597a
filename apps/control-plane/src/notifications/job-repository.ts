/**
 * D1 storage of notification jobs (`notification_jobs`, migration 0015): one event to deliver to
 * one target (a webhook, a push subscription), with its attempts so far and when the next is due.
 * A job is `pending` until it is `delivered` or `failed` (out of attempts, or refused for good).
 * One job per target, event and subject (a task, a permission request; UNIQUE): announcing the
 * same event twice sends it once.
 */
import type { NotificationEvent } from '@flotilla/contracts';

export type TargetKind = 'webhook' | 'push';
export type JobState = 'pending' | 'delivered' | 'failed';

export interface JobRow {
  id: string;
  project_id: string;
  target_kind: TargetKind;
  target_id: string;
  event: NotificationEvent;
  /** What the event is about: a task id, or a permission request id. */
  subject_id: string;
  task_id: string | null;
  /** JSON NotificationPayload. */
  payload: string;
  attempts: number;
  /** Epoch ms. */
  next_attempt_at: number;
  state: JobState;
  created_at: string;
}

export interface NewJob {
  projectId: string;
  targetKind: TargetKind;
  targetId: string;
  event: NotificationEvent;
  subjectId: string;
  taskId: string | null;
  payload: string;
}

/** Queue `jobs`, due now (a job already queued for the same target, event and task is kept as it is). */
export async function insertJobs(db: D1Database, jobs: NewJob[]): Promise<void> {
  if (jobs.length === 0) return;
  const now = Date.now();
  const created = new Date(now).toISOString();
  await db.batch(
    jobs.map((job) =>
      db
        .prepare(
          "INSERT INTO notification_jobs (id, project_id, target_kind, target_id, event, subject_id, task_id, payload, attempts, next_attempt_at, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending', ?) ON CONFLICT DO NOTHING",
        )
        .bind(`ntf_${crypto.randomUUID()}`, job.projectId, job.targetKind, job.targetId, job.event, job.subjectId, job.taskId, job.payload, now, created),
    ),
  );
}

/** Pending jobs of project `projectId` due at `nowMs`, oldest first, at most `limit`. */
export async function dueJobs(db: D1Database, projectId: string, nowMs: number, limit: number): Promise<JobRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM notification_jobs WHERE project_id = ? AND state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?")
    .bind(projectId, nowMs, limit)
    .all<JobRow>();
  return results;
}

/** When the next pending job of project `projectId` is due (epoch ms), or null when none is pending. */
export async function nextDueAt(db: D1Database, projectId: string): Promise<number | null> {
  const row = await db.prepare("SELECT MIN(next_attempt_at) AS due FROM notification_jobs WHERE project_id = ? AND state = 'pending'").bind(projectId).first<{ due: number | null }>();
  return row?.due ?? null;
}

/** Record an attempt of job `id`: its count, its new state, and when the next one is due. */
export async function recordAttempt(db: D1Database, id: string, attempts: number, state: JobState, nextAttemptAt: number): Promise<void> {
  await db.prepare('UPDATE notification_jobs SET attempts = ?, state = ?, next_attempt_at = ? WHERE id = ?').bind(attempts, state, nextAttemptAt, id).run();
}

/** Delete ended jobs created before `beforeIso` (they only stop a second send of the same event). */
export async function deleteEndedJobs(db: D1Database, projectId: string, beforeIso: string): Promise<void> {
  await db.prepare("DELETE FROM notification_jobs WHERE project_id = ? AND state != 'pending' AND created_at < ?").bind(projectId, beforeIso).run();
}
