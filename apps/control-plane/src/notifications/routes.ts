/**
 * Handlers of the notification routes of the public API (contracts `notificationsApi`, issue
 * 16 item 3): a project's outgoing webhooks — the URL checked (target-url.ts), the signing secret
 * made here, sealed like a credential and shown only in the answer to its creation — with their
 * delivery logs; and Web Push — the VAPID public key (made on first use) and this user's
 * browsers' subscriptions (local mode: the one implicit user). Adding and removing a webhook are
 * recorded in the audit log (audit/).
 */
import { notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { callerId } from '../auth/principal.js';
import { recordFromRoute } from '../audit/record.js';
import { credentialKey, sealSecret } from '../credentials/crypto.js';
import { depsFromEnv } from '../deps.js';
import { requireProject } from '../projects/projects.js';
import { deletePushSubscription, upsertPushSubscription } from './push-repository.js';
import { checkTargetUrl } from './target-url.js';
import { vapidKeys } from './vapid.js';
import { newWebhookSecret } from './webhook-signature.js';
import { deleteWebhook, getWebhookRow, insertWebhook, listDeliveries, listWebhookRows, toWebhook, webhookSecretContext } from './webhook-repository.js';

export const notificationHandlers: PublicHandlers<
  'listWebhooks' | 'createWebhook' | 'deleteWebhook' | 'listWebhookDeliveries' | 'getVapidPublicKey' | 'putPushSubscription' | 'deletePushSubscription'
> = {
  /** The project's webhooks, without secrets. 404 for an unknown project. */
  listWebhooks: async ({ params }, c) => {
    await requireProject(c.env.DB, params.projectId);
    return { webhooks: (await listWebhookRows(c.env.DB, params.projectId)).map(toWebhook) };
  },

  /**
   * Add a webhook: `{url, events?, format?}`. 400 for a URL that is not https (or http to
   * loopback in local mode); 404 for an unknown project; 503 when credential storage (which seals
   * the secret) is not configured. The answer carries the secret — the only time it is shown.
   */
  createWebhook: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    await requireProject(deps.db, params.projectId);
    const url = checkTargetUrl(body.url, 'webhook URL', deps.config.isLocalMode);
    const key = await credentialKey(deps.config.credentialsKey);
    const webhook = { id: `whk_${crypto.randomUUID()}`, projectId: params.projectId, url, events: [...new Set(body.events)], format: body.format, createdAt: new Date().toISOString() };
    const secret = newWebhookSecret();
    await insertWebhook(deps.db, webhook, await sealSecret(key, secret, webhookSecretContext(webhook.id)));
    deps.log.child({ component: 'notifications' }).info('webhook added', { projectId: webhook.projectId, webhookId: webhook.id, host: new URL(url).host, events: webhook.events, format: webhook.format });
    // Only the host: a webhook's URL may carry a secret in its path or query.
    await recordFromRoute(c, { projectId: webhook.projectId, action: 'webhook.created', target: { kind: 'webhook', id: webhook.id }, detail: { host: new URL(url).host } });
    return { ...webhook, secret };
  },

  /** Remove a webhook with its log and pending deliveries. 404 when the project has no such webhook. */
  deleteWebhook: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await getWebhookRow(deps.db, params.projectId, params.webhookId);
    if (!row || !(await deleteWebhook(deps.db, params.projectId, params.webhookId))) throw notFound(`webhook ${params.webhookId} not found`);
    await recordFromRoute(c, { projectId: params.projectId, action: 'webhook.deleted', target: { kind: 'webhook', id: row.id }, detail: { host: new URL(row.url).host } });
    deps.log.child({ component: 'notifications' }).info('webhook removed', { projectId: params.projectId, webhookId: params.webhookId });
    return null;
  },

  /** The webhook's delivery log (the newest WEBHOOK_DELIVERY_LOG_SIZE attempts), newest first. 404 when the project has no such webhook. */
  listWebhookDeliveries: async ({ params }, c) => {
    if (!(await getWebhookRow(c.env.DB, params.projectId, params.webhookId))) throw notFound(`webhook ${params.webhookId} not found`);
    return { deliveries: await listDeliveries(c.env.DB, params.webhookId) };
  },

  /** The VAPID public key, made on first use. 503 when credential storage (which seals the private key) is not configured. */
  getVapidPublicKey: async (_request, c) => ({ publicKey: (await vapidKeys(depsFromEnv(c.env))).publicKey }),

  /** Save a browser's subscription. 400 for an endpoint that is not https (or http to loopback in local mode). */
  putPushSubscription: async ({ body }, c) => {
    const deps = depsFromEnv(c.env);
    const endpoint = checkTargetUrl(body.endpoint, 'push endpoint', deps.config.isLocalMode);
    await upsertPushSubscription(deps.db, callerId(c.get('principal')), { ...body, endpoint });
    deps.log.child({ component: 'notifications' }).info('push subscription saved', { host: new URL(endpoint).host });
    return null;
  },

  /** Forget a browser's subscription. 404 when there is none at that endpoint. */
  deletePushSubscription: async ({ body }, c) => {
    const deps = depsFromEnv(c.env);
    let endpoint = body.endpoint;
    try {
      endpoint = new URL(body.endpoint).toString();
    } catch {
      // not a URL: no subscription can have it
    }
    if (!(await deletePushSubscription(deps.db, callerId(c.get('principal')), endpoint))) throw notFound('no push subscription at that endpoint');
    return null;
  },
};
