/**
 * D1 storage of outgoing webhooks (`webhooks`, the secret sealed) and their delivery log
 * (`webhook_deliveries`, one row per attempt, the newest WEBHOOK_DELIVERY_LOG_SIZE kept per
 * webhook). Every SQL statement on them is here (migration 0015).
 */
import type { NotificationEvent, Webhook, WebhookDelivery, WebhookFormat } from '@flotilla/contracts';
import type { SealedSecret } from '../credentials/crypto.js';

export interface WebhookRow {
  id: string;
  project_id: string;
  url: string;
  /** JSON array of NotificationEvent. */
  events: string;
  format: WebhookFormat;
  secret_ciphertext: string;
  secret_iv: string;
  created_at: string;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  job_id: string;
  event: NotificationEvent;
  task_id: string | null;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  will_retry: number;
}

/** The webhook as the API shows it (no secret). */
export function toWebhook(row: WebhookRow): Webhook {
  return { id: row.id, projectId: row.project_id, url: row.url, events: JSON.parse(row.events) as NotificationEvent[], format: row.format, createdAt: row.created_at };
}

/** The context a webhook's secret is sealed under (credentials/crypto.ts): its own id. */
export const webhookSecretContext = (webhookId: string) => `webhook:${webhookId}`;

/** Insert a webhook whose secret is already sealed. */
export async function insertWebhook(db: D1Database, webhook: Webhook, sealed: SealedSecret): Promise<void> {
  await db
    .prepare('INSERT INTO webhooks (id, project_id, url, events, format, secret_ciphertext, secret_iv, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(webhook.id, webhook.projectId, webhook.url, JSON.stringify(webhook.events), webhook.format, sealed.ciphertext, sealed.iv, webhook.createdAt)
    .run();
}

/** The webhooks of project `projectId`, oldest first. */
export async function listWebhookRows(db: D1Database, projectId: string): Promise<WebhookRow[]> {
  const { results } = await db.prepare('SELECT * FROM webhooks WHERE project_id = ? ORDER BY created_at, id').bind(projectId).all<WebhookRow>();
  return results;
}

/** Webhook `webhookId` of project `projectId`, or null. */
export async function getWebhookRow(db: D1Database, projectId: string, webhookId: string): Promise<WebhookRow | null> {
  return db.prepare('SELECT * FROM webhooks WHERE id = ? AND project_id = ?').bind(webhookId, projectId).first<WebhookRow>();
}

/** Delete a webhook of project `projectId` with its log and pending jobs; false when it was not there. */
export async function deleteWebhook(db: D1Database, projectId: string, webhookId: string): Promise<boolean> {
  if (!(await getWebhookRow(db, projectId, webhookId))) return false;
  await db.batch([
    db.prepare('DELETE FROM webhooks WHERE id = ?').bind(webhookId),
    db.prepare('DELETE FROM webhook_deliveries WHERE webhook_id = ?').bind(webhookId),
    db.prepare("DELETE FROM notification_jobs WHERE target_kind = 'webhook' AND target_id = ?").bind(webhookId),
  ]);
  return true;
}

/** One attempt, for the log. */
export interface DeliveryAttempt {
  webhookId: string;
  jobId: string;
  event: NotificationEvent;
  taskId: string | null;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  willRetry: boolean;
}

/** Log an attempt, and drop the webhook's entries beyond the newest `keep`. */
export async function logDelivery(db: D1Database, attempt: DeliveryAttempt, keep: number): Promise<void> {
  await db.batch([
    db
      .prepare('INSERT INTO webhook_deliveries (id, webhook_id, job_id, event, task_id, attempt, attempted_at, status_code, error, will_retry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .bind(`whd_${crypto.randomUUID()}`, attempt.webhookId, attempt.jobId, attempt.event, attempt.taskId, attempt.attempt, new Date().toISOString(), attempt.statusCode, attempt.error, attempt.willRetry ? 1 : 0),
    db
      .prepare('DELETE FROM webhook_deliveries WHERE webhook_id = ? AND id NOT IN (SELECT id FROM webhook_deliveries WHERE webhook_id = ? ORDER BY attempted_at DESC, rowid DESC LIMIT ?)')
      .bind(attempt.webhookId, attempt.webhookId, keep),
  ]);
}

/** The delivery log of webhook `webhookId`, newest first. */
export async function listDeliveries(db: D1Database, webhookId: string): Promise<WebhookDelivery[]> {
  const { results } = await db.prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY attempted_at DESC, rowid DESC').bind(webhookId).all<DeliveryRow>();
  return results.map((row) => ({
    id: row.id,
    webhookId: row.webhook_id,
    event: row.event,
    taskId: row.task_id,
    attempt: row.attempt,
    attemptedAt: row.attempted_at,
    statusCode: row.status_code,
    error: row.error,
    willRetry: row.will_retry === 1,
  }));
}
