/**
 * The audit log (issue 14, item 5): who did what, when. Every change made through the public API
 * — tasks run and cancelled, project settings, credentials, nodes destroyed, workspaces deleted,
 * triggers and webhooks, sign-ins with the API token — is one {@link AuditEvent}, recorded by the
 * control plane where the action succeeds (apps/control-plane/src/audit/). Events of a project are
 * read with `GET /api/projects/:projectId/audit`, those of no project (nodes, user-level
 * credentials, sign-ins) with `GET /api/audit`; both newest first, paged with `before`.
 * A detail never holds a secret or a credential's value: names of settings, kinds, titles.
 */
import * as z from 'zod';
import { route } from './routes/route.js';

/** What was done. */
export const AuditAction = z.enum([
  'task.created',
  'task.run',
  'task.cancelled',
  'task.resumed',
  'task.deleted',
  'project.created',
  'project.updated',
  'project.deleted',
  'credential.set',
  'credential.deleted',
  'node.destroyed',
  'workspace.deleted',
  'trigger.created',
  'trigger.deleted',
  'webhook.created',
  'webhook.deleted',
  'sign_in.succeeded',
  'sign_in.refused',
  'token.created',
  'token.revoked',
  'user.approved',
  'member.added',
  'member.invited',
  'member.role_changed',
  'member.removed',
  'invite.cancelled',
  'project.ownership_transferred',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** What an action was done to. */
export const AuditTargetKind = z.enum(['task', 'project', 'credential', 'node', 'workspace', 'trigger', 'webhook', 'session', 'api_token', 'user', 'invite']);
export type AuditTargetKind = z.infer<typeof AuditTargetKind>;

/** One value of an event's detail: plain facts (names, kinds, titles), never a secret. */
export const AuditDetailValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
export type AuditDetailValue = z.infer<typeof AuditDetailValue>;

/**
 * One event of the audit log. `actorUserId`: who (null for a refused sign-in: nobody known);
 * `actorTokenId`: the personal API token they used, when they used one; `at`: when, in ms since
 * the epoch. `detail` by action — task.*: `title`; task.run: `retry` (a failed or cancelled task
 * run again); project.updated: `settings` (the names of the settings changed); credential.*:
 * `kind` (cloud, agent, git), `name` (provider, agent type, git host), `secret` (API key, OAuth
 * token, token); sign_in.*: `ip` (the client's, from CF-Connecting-IP, or null) and `method`
 * (`api-token`, `github`, `oidc`), sign_in.refused a `reason` for a provider's refusal;
 * token.*: `name` of the personal API token; user.approved: `login`; member.added,
 * member.role_changed: `login` and the (new) `role`; member.removed and
 * project.ownership_transferred: `login`; member.invited and invite.cancelled: `invitee` (the GitHub
 * login or email) and `role`. `actorName`: the actor's
 * login when the actor is a signed-in user (read with the event), else null.
 */
export const AuditEvent = z.object({
  id: z.string(),
  projectId: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorTokenId: z.string().nullable(),
  actorName: z.string().nullable().default(null),
  action: AuditAction,
  targetKind: AuditTargetKind,
  targetId: z.string(),
  detail: z.record(z.string(), AuditDetailValue),
  at: z.number().int(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * `GET …/audit` query: the newest `limit` events (default 50, at most 200), or with `before` the
 * newest ones older than it — an event's id (the page after that event) or a time in ms since
 * the epoch (events before that time).
 */
export const ListAuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z
    .string()
    .trim()
    .regex(/^(aud_[0-9a-z]{26}|\d{1,16})$/, 'before is an audit event id (aud_…) or a time in ms since the epoch')
    .optional(),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;

/** A page of the audit log, newest first; `hasOlder`: older events follow (ask with `before` = the last event's id). */
export const AuditPage = z.object({ events: z.array(AuditEvent), hasOlder: z.boolean() });
export type AuditPage = z.infer<typeof AuditPage>;

/**
 * The audit routes, spread into `publicApi`. Today every caller of the public API may read them;
 * when projects have members with roles they become owners' and admins' only.
 */
export const auditApi = {
  listProjectAudit: route({ method: 'GET', path: '/api/projects/:projectId/audit', auth: 'apiToken', query: ListAuditQuery, response: AuditPage, status: [200], summary: "a project's audit log, newest first, paged with before" }),
  listAudit: route({ method: 'GET', path: '/api/audit', auth: 'apiToken', query: ListAuditQuery, response: AuditPage, status: [200], summary: 'the audit log of what belongs to no project (nodes, user credentials, sign-ins), newest first' }),
};
