/**
 * Delivering notification jobs (job-repository.ts) of one project, as the Notifier's alarm runs
 * it: each due job gets one attempt — a signed POST to its webhook (webhook-signature.ts; the
 * `slack` format posts `{text}`), or an encrypted Web Push to its subscription (RFC 8291 through
 * @block65/webcrypto-web-push, VAPID through vapid.ts). A network error, a timeout, 408, 429 or
 * a 5xx is retried after NOTIFICATION_RETRY_BASE_MS × 2^(attempt−1) (capped at
 * NOTIFICATION_RETRY_MAX_MS, jittered), up to NOTIFICATION_MAX_ATTEMPTS attempts; any other
 * answer ends the job. Every webhook attempt is written to its delivery log. Secrets are never
 * logged. Redirects are not followed (a receiver that moved must be configured again).
 */
import { NotificationPayload } from '@flotilla/contracts';
import { backoffDelayMs, errorMessage, isRetryableStatus } from '@flotilla/kit';
import { encryptNotification } from '@block65/webcrypto-web-push';
import type { Deps } from '../deps.js';
import { credentialKey, openSecret } from '../credentials/crypto.js';
import { deleteEndedJobs, dueJobs, nextDueAt, recordAttempt, type JobRow } from './job-repository.js';
import { deletePushSubscriptionById, getPushSubscription } from './push-repository.js';
import { notificationTitle, slackText } from './message-text.js';
import { vapidAuthorization, vapidKeys } from './vapid.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from './webhook-signature.js';
import { getWebhookRow, logDelivery, webhookSecretContext } from './webhook-repository.js';

/** Jobs one alarm attempts at most; more due ones wait for the next alarm, set at once. */
const JOBS_PER_RUN = 20;

/** Time a push service keeps an undelivered push (the `TTL` header), in seconds: 1 day. */
const PUSH_TTL_SECONDS = 24 * 60 * 60;

/** What one attempt came to. */
interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  /** Whether another attempt may succeed (network error, timeout, 408, 429, 5xx). */
  retryable: boolean;
  /** Set when the target is gone for good (a push subscription answered 404 or 410). */
  gone?: boolean;
}

type DeliveryDeps = Pick<Deps, 'db' | 'config' | 'log'>;

/** Make the payload's page URLs (queued as paths) absolute with BASE_URL, when it is set. */
function withAbsoluteUrl(deps: DeliveryDeps, payload: NotificationPayload): void {
  if (!deps.config.baseUrl.ok) return;
  const base = deps.config.baseUrl.value;
  const absolute = (path: string) => (path.startsWith('/') ? `${base}${path}` : path);
  if (payload.task) payload.task.url = absolute(payload.task.url);
  if (payload.url) payload.url = absolute(payload.url);
}

/** POST `body` to `url` with `headers`, within NOTIFICATION_REQUEST_TIMEOUT_MS. */
async function post(deps: DeliveryDeps, url: string, headers: Record<string, string>, body: BodyInit): Promise<AttemptResult> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(deps.config.NOTIFICATION_REQUEST_TIMEOUT_MS) });
    await response.body?.cancel();
    if (response.ok) return { statusCode: response.status, error: null, retryable: false };
    return { statusCode: response.status, error: `the receiver answered ${response.status}`, retryable: isRetryableStatus(response.status), gone: response.status === 404 || response.status === 410 };
  } catch (error) {
    return { statusCode: null, error: `no answer: ${errorMessage(error)}`, retryable: true };
  }
}

async function attemptWebhook(deps: DeliveryDeps, job: JobRow): Promise<AttemptResult | null> {
  const webhook = await getWebhookRow(deps.db, job.project_id, job.target_id);
  if (!webhook) return null;
  const secret = await openSecret(await credentialKey(deps.config.credentialsKey), { ciphertext: webhook.secret_ciphertext, iv: webhook.secret_iv }, webhookSecretContext(webhook.id));
  const payload = NotificationPayload.parse(JSON.parse(job.payload));
  withAbsoluteUrl(deps, payload);
  const body = JSON.stringify(webhook.format === 'slack' ? { text: slackText(payload) } : payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Flotilla-Webhooks/1',
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: await signWebhookBody(secret, timestamp, body),
    [EVENT_HEADER]: job.event,
    [DELIVERY_HEADER]: job.id,
  };
  return post(deps, webhook.url, headers, body);
}

async function attemptPush(deps: DeliveryDeps, job: JobRow): Promise<AttemptResult | null> {
  const subscription = await getPushSubscription(deps.db, job.target_id);
  if (!subscription) return null;
  const keys = await vapidKeys(deps);
  const payload = NotificationPayload.parse(JSON.parse(job.payload));
  withAbsoluteUrl(deps, payload);
  const message = new TextEncoder().encode(JSON.stringify({ title: notificationTitle(payload), ...payload }));
  const encrypted = await encryptNotification({ endpoint: subscription.endpoint, expirationTime: null, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, message);
  const subject = deps.config.baseUrl.ok && deps.config.baseUrl.value.startsWith('https:') ? deps.config.baseUrl.value : 'mailto:flotilla@localhost';
  const headers = {
    authorization: await vapidAuthorization(keys, subscription.endpoint, subject),
    ttl: String(PUSH_TTL_SECONDS),
    urgency: 'normal',
    'content-encoding': 'aes128gcm',
    'content-type': 'application/octet-stream',
  };
  const result = await post(deps, subscription.endpoint, headers, encrypted);
  if (result.gone) await deletePushSubscriptionById(deps.db, subscription.id);
  return result;
}

/** One attempt of `job`, recorded (and logged for a webhook). */
async function attemptJob(deps: DeliveryDeps, job: JobRow): Promise<void> {
  const log = deps.log.child({ component: 'notifications' });
  const attempt = job.attempts + 1;
  let result: AttemptResult | null;
  try {
    result = job.target_kind === 'webhook' ? await attemptWebhook(deps, job) : await attemptPush(deps, job);
  } catch (error) {
    // Our side failed (the key, the payload): not the receiver's fault, but not worth retrying.
    result = { statusCode: null, error: `not sent: ${errorMessage(error)}`, retryable: false };
  }
  if (!result) {
    await recordAttempt(deps.db, job.id, job.attempts, 'failed', job.next_attempt_at);
    return;
  }
  const delivered = result.error === null;
  const willRetry = !delivered && result.retryable && attempt < deps.config.NOTIFICATION_MAX_ATTEMPTS;
  const nextAt = willRetry ? Date.now() + backoffDelayMs(attempt, { minDelayMs: deps.config.NOTIFICATION_RETRY_BASE_MS, maxDelayMs: deps.config.NOTIFICATION_RETRY_MAX_MS }) : Date.now();
  await recordAttempt(deps.db, job.id, attempt, delivered ? 'delivered' : willRetry ? 'pending' : 'failed', nextAt);
  if (job.target_kind === 'webhook') {
    await logDelivery(deps.db, { webhookId: job.target_id, jobId: job.id, event: job.event, taskId: job.task_id, attempt, statusCode: result.statusCode, error: result.error, willRetry }, deps.config.WEBHOOK_DELIVERY_LOG_SIZE);
  }
  const fields = { jobId: job.id, target: job.target_kind, targetId: job.target_id, event: job.event, taskId: job.task_id, attempt, statusCode: result.statusCode };
  if (delivered) log.info('notification delivered', fields);
  else log.warn(willRetry ? 'notification not delivered: will retry' : 'notification not delivered: given up', { ...fields, error: result.error });
}

/**
 * Attempt every due job of project `projectId` (at most JOBS_PER_RUN), and delete its ended jobs
 * older than NOTIFICATION_JOB_RETENTION_MS.
 * @returns when the next pending job is due (epoch ms), or null when none is pending
 */
export async function deliverDueJobs(deps: DeliveryDeps, projectId: string): Promise<number | null> {
  const jobs = await dueJobs(deps.db, projectId, Date.now(), JOBS_PER_RUN);
  await Promise.all(jobs.map((job) => attemptJob(deps, job)));
  await deleteEndedJobs(deps.db, projectId, new Date(Date.now() - deps.config.NOTIFICATION_JOB_RETENTION_MS).toISOString());
  return nextDueAt(deps.db, projectId);
}
