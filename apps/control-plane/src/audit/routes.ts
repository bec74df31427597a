/**
 * Handlers of the audit routes of the public API (contracts `auditApi`): a project's audit log
 * and the log of what belongs to no project (nodes, user-level credentials, sign-ins), newest
 * first, `?limit=` (default 50, at most 200) and `?before=` an event id or a time in ms.
 * Today every caller of the public API reads them; once projects have members with roles, only
 * a project's owners and admins may (issue 14, item 2).
 */
import type { ListAuditQuery } from '@flotilla/contracts';
import type { PublicHandlers } from '../app-env.js';
import { requireProject } from '../projects/projects.js';
import { listAuditEvents, type AuditCursor } from './repository.js';

/** The cursor of `?before=`: an event id (`aud_…`) or a time in ms since the epoch. */
const cursorOf = (before: ListAuditQuery['before']): AuditCursor =>
  before === undefined ? null : before.startsWith('aud_') ? { eventId: before } : { beforeMs: Number(before) };

export const auditHandlers: PublicHandlers<'listProjectAudit' | 'listAudit'> = {
  /** The project's events, newest first. @throws 404 unknown project, or `before` an event not in its log */
  listProjectAudit: async ({ params, query }, c) => {
    await requireProject(c.env.DB, params.projectId);
    return listAuditEvents(c.env.DB, { projectId: params.projectId, cursor: cursorOf(query.before), limit: query.limit });
  },

  /** Events of no project, newest first. @throws 404 when `before` is an event not in this log */
  listAudit: async ({ query }, c) => listAuditEvents(c.env.DB, { projectId: null, cursor: cursorOf(query.before), limit: query.limit }),
};
