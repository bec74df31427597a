/**
 * D1 storage of Web Push: browsers' subscriptions (`push_subscriptions`, one per endpoint) and
 * the control plane's VAPID key pair (`vapid_keys`, one row, the private key sealed). Every SQL
 * statement on them is here (migration 0015).
 */
import type { PushSubscriptionRequest } from '@flotilla/contracts';
import type { SealedSecret } from '../credentials/crypto.js';

export interface PushSubscriptionRow {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: string;
}

export interface VapidKeyRow {
  public_key: string;
  private_ciphertext: string;
  private_iv: string;
}

/** Save (or renew the keys of) the subscription at `subscription.endpoint` for user `userId`. */
export async function upsertPushSubscription(db: D1Database, userId: string, subscription: PushSubscriptionRequest): Promise<void> {
  await db
    .prepare(
      'INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth',
    )
    .bind(`psub_${crypto.randomUUID()}`, userId, subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth, new Date().toISOString())
    .run();
}

/** Forget the subscription at `endpoint` of user `userId`; false when there was none. */
export async function deletePushSubscription(db: D1Database, userId: string, endpoint: string): Promise<boolean> {
  const result = await db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?').bind(endpoint, userId).run();
  return result.meta.changes > 0;
}

/** Forget subscription `id` (its push service answered 404/410: the browser unsubscribed). */
export async function deletePushSubscriptionById(db: D1Database, id: string): Promise<void> {
  await db.prepare('DELETE FROM push_subscriptions WHERE id = ?').bind(id).run();
}

/**
 * The subscriptions of everyone who may read project `projectId`: its members' (issue 14 item 2)
 * and the operator's (`operatorId`: local mode's implicit user, the shared token), oldest first.
 */
export async function listPushSubscriptionsOfProject(db: D1Database, projectId: string, operatorId: string): Promise<PushSubscriptionRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM push_subscriptions WHERE user_id = ? OR user_id IN (SELECT user_id FROM project_members WHERE project_id = ?) ORDER BY created_at')
    .bind(operatorId, projectId)
    .all<PushSubscriptionRow>();
  return results;
}

/** Subscription `id`, or null. */
export async function getPushSubscription(db: D1Database, id: string): Promise<PushSubscriptionRow | null> {
  return db.prepare('SELECT * FROM push_subscriptions WHERE id = ?').bind(id).first<PushSubscriptionRow>();
}

/** The stored VAPID key pair, or null before first use. */
export async function getVapidKeyRow(db: D1Database): Promise<VapidKeyRow | null> {
  return db.prepare('SELECT public_key, private_ciphertext, private_iv FROM vapid_keys WHERE id = 1').first<VapidKeyRow>();
}

/** Store a key pair unless one is there already (two first uses at once: the first wins). */
export async function insertVapidKeyRow(db: D1Database, publicKey: string, sealedPrivate: SealedSecret): Promise<void> {
  await db
    .prepare('INSERT INTO vapid_keys (id, public_key, private_ciphertext, private_iv, created_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
    .bind(publicKey, sealedPrivate.ciphertext, sealedPrivate.iv, new Date().toISOString())
    .run();
}
