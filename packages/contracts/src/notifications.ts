/**
 * Notifications (issue 16, item 3): when a task completes or fails, or an agent waits for a
 * permission answer (a workspace with permission policy `ask`), the control plane tells
 * people — outgoing webhooks per project (signed JSON, retried with backoff, a delivery log) and
 * Web Push to the browsers that subscribed (VAPID, RFC 8291 payloads). Schemas of the API
 * (`notificationsApi`, spread into `publicApi`) and of what is sent (`NotificationPayload`).
 */
import * as z from 'zod';
import { route } from './routes/route.js';
import { PermissionRequestOption } from './agent-stream.js';
import { TaskStatus } from './task.js';

/** What a notification is about. */
export const NotificationEvent = z.enum(['task.completed', 'task.failed', 'permission.requested']);
export type NotificationEvent = z.infer<typeof NotificationEvent>;

/** Every event, in the order settings show them. */
export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = NotificationEvent.options;

/**
 * An agent's open permission request, as a notification carries it: what the tool call wants,
 * and how to answer — `POST <answerPath>` `{optionId}` on the control plane with the option to
 * allow once or to reject once (null when the agent offered none of that kind).
 */
export const NotificationPermission = z.object({
  requestId: z.string(),
  workspaceId: z.string(),
  title: z.string().nullable(),
  answerPath: z.string(),
  allowOptionId: z.string().nullable(),
  denyOptionId: z.string().nullable(),
});
export type NotificationPermission = z.infer<typeof NotificationPermission>;

/**
 * The body a webhook receives (format `json`) and the data of a Web Push message: the event, its
 * project and task (null for a workspace created by hand), when it happened, and for
 * `permission.requested` the request (`permission`) and the workspace's page (`url`).
 * `task.url` is the task's page in the web app.
 */
export const NotificationPayload = z.object({
  event: NotificationEvent,
  /** ISO 8601 time of the event. */
  occurredAt: z.string(),
  project: z.object({ id: z.string(), name: z.string() }),
  /** The page to open for this event. */
  url: z.string().optional(),
  permission: NotificationPermission.optional(),
  task: z.object({
    id: z.string(),
    title: z.string(),
    status: TaskStatus,
    branch: z.string().nullable(),
    prUrl: z.string().nullable(),
    error: z.string().nullable(),
    url: z.string(),
  }).nullable(),
});
export type NotificationPayload = z.infer<typeof NotificationPayload>;

/** `json`: {@link NotificationPayload}; `slack`: `{text}` (Slack's and many chat tools' incoming webhooks). */
export const WebhookFormat = z.enum(['json', 'slack']);
export type WebhookFormat = z.infer<typeof WebhookFormat>;

/** `POST /api/projects/:projectId/webhooks`. The URL is checked by the control plane (https; http on loopback in local mode). */
export const CreateWebhookRequest = z.object({
  url: z.url().max(2048),
  events: z.array(NotificationEvent).min(1).default([...NotificationEvent.options]),
  format: WebhookFormat.default('json'),
});
export type CreateWebhookRequest = z.input<typeof CreateWebhookRequest>;

/** A project's webhook, as the API shows it (never its secret). */
export const Webhook = z.object({
  id: z.string(),
  projectId: z.string(),
  url: z.string(),
  events: z.array(NotificationEvent),
  format: WebhookFormat,
  createdAt: z.string(),
});
export type Webhook = z.infer<typeof Webhook>;

/** The answer to creating a webhook: the only time its signing secret is shown. */
export const CreatedWebhook = Webhook.extend({ secret: z.string() });
export type CreatedWebhook = z.infer<typeof CreatedWebhook>;

export const WebhookList = z.object({ webhooks: z.array(Webhook) });

/** One attempt to deliver an event to a webhook (the delivery log). */
export const WebhookDelivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  event: NotificationEvent,
  /** The task the event is about, or null (a permission request in a workspace created by hand). */
  taskId: z.string().nullable(),
  /** 1 for the first attempt. */
  attempt: z.number().int().positive(),
  /** ISO 8601 time of the attempt. */
  attemptedAt: z.string(),
  /** The receiver's HTTP status, or null when no answer came. */
  statusCode: z.number().int().nullable(),
  /** What went wrong (a network error, a refusal), or null for a 2xx. */
  error: z.string().nullable(),
  /** Whether another attempt is scheduled after this one. */
  willRetry: z.boolean(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = z.object({ deliveries: z.array(WebhookDelivery) });

/** `GET /api/push/vapid-key`: the application server key browsers subscribe with (base64url of the raw P-256 point). */
export const VapidPublicKey = z.object({ publicKey: z.string() });

/** A browser's push subscription (`PushSubscription.toJSON()`), checked by the control plane (https; http on loopback in local mode). */
export const PushSubscriptionRequest = z.object({
  endpoint: z.url().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
});
export type PushSubscriptionRequest = z.infer<typeof PushSubscriptionRequest>;

/** Callback of a node daemon: its agent asks permission and waits for a viewer (policy `ask`). */
export const PermissionRequestedCallback = z.object({
  agentSessionId: z.string().min(1).max(200),
  requestId: z.string().min(1).max(200),
  title: z.string().max(1000).nullable(),
  options: z.array(PermissionRequestOption).max(20),
});
export type PermissionRequestedCallback = z.infer<typeof PermissionRequestedCallback>;

/** The answer to an open permission request: one of its options. */
export const AnswerPermissionRequest = z.object({ optionId: z.string().min(1).max(200) });
export type AnswerPermissionRequest = z.infer<typeof AnswerPermissionRequest>;

/** `DELETE /api/push/subscriptions`: the endpoint to forget. */
export const DeletePushSubscriptionRequest = z.object({ endpoint: z.string().min(1).max(2048) });

const webhookRoute = '/api/projects/:projectId/webhooks';

/** Routes of notifications (part of `publicApi`). */
export const notificationsApi = {
  listWebhooks: route({ method: 'GET', path: webhookRoute, auth: 'apiToken', response: WebhookList, status: [200], summary: "a project's outgoing webhooks (without secrets)" }),
  createWebhook: route({ method: 'POST', path: webhookRoute, auth: 'apiToken', body: CreateWebhookRequest, response: CreatedWebhook, status: [201], summary: 'add an outgoing webhook; its signing secret is shown only in this answer' }),
  deleteWebhook: route({ method: 'DELETE', path: `${webhookRoute}/:webhookId`, auth: 'apiToken', response: { kind: 'empty' }, status: [204], summary: 'remove an outgoing webhook and its delivery log' }),
  listWebhookDeliveries: route({ method: 'GET', path: `${webhookRoute}/:webhookId/deliveries`, auth: 'apiToken', response: WebhookDeliveryList, status: [200], summary: "a webhook's delivery log, newest first" }),
  answerPermissionRequest: route({ method: 'POST', path: '/api/projects/:projectId/workspaces/:workspaceId/permission-requests/:requestId/answer', auth: 'apiToken', body: AnswerPermissionRequest, response: { kind: 'empty' }, status: [204], summary: "answer an agent's open permission request (what a notification's Allow / Deny does)" }),
  getVapidPublicKey: route({ method: 'GET', path: '/api/push/vapid-key', auth: 'apiToken', response: VapidPublicKey, status: [200], summary: 'the key browsers subscribe to Web Push with (made on first use)' }),
  putPushSubscription: route({ method: 'PUT', path: '/api/push/subscriptions', auth: 'apiToken', body: PushSubscriptionRequest, response: { kind: 'empty' }, status: [204], summary: "save this browser's Web Push subscription" }),
  deletePushSubscription: route({ method: 'DELETE', path: '/api/push/subscriptions', auth: 'apiToken', body: DeletePushSubscriptionRequest, response: { kind: 'empty' }, status: [204], summary: "forget this browser's Web Push subscription" }),
};
