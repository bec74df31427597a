/**
 * `flotilla audit [--project <id>] [--limit N] [--json]` against a running control plane
 * (`--server URL`, else the running `flotilla up`): the audit log, newest first — a project's
 * (`GET /api/projects/:id/audit`), or without `--project` the events of no project: nodes,
 * user-level credentials, sign-ins (`GET /api/audit`). One line per event: when (UTC), the event
 * in plain words (contracts `auditSentence`), its action and target. Returns the process exit
 * code: 0 done, 1 refused (an unknown project, a bad limit).
 */
import { auditSentence, type AuditEvent } from '@flotilla/contracts';
import { connectToServer, refusalsAsExitCode, write, type ServerOptions } from './server-connection.js';

/** Events shown when `--limit` is not given (the API's default page). */
export const DEFAULT_AUDIT_LIMIT = 50;

/** One event as a line: `2026-12-06 19:58:01  local ran task “Fix the parser”  [task.run tsk_…]`. */
export function auditLine(event: AuditEvent): string {
  const when = new Date(event.at).toISOString().replace('T', ' ').slice(0, 19);
  return `${when}  ${auditSentence(event)}  [${event.action} ${event.targetId}]`;
}

/** `flotilla audit`. */
export async function auditCommand(options: ServerOptions & { project?: string; limit?: number; json?: boolean }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const page = { limit: options.limit ?? DEFAULT_AUDIT_LIMIT };
    const { events, hasOlder } = options.project ? await client.listProjectAudit(options.project, page) : await client.listAudit(page);
    if (options.json) write(JSON.stringify(events));
    else if (events.length === 0) write(options.project ? `No audit events in project ${options.project} yet.` : 'No audit events outside projects yet (nodes, credentials, sign-ins).');
    else {
      for (const event of events) write(auditLine(event));
      if (hasOlder) write(`… older events: raise --limit (at most 200), or GET the audit route with before=${events.at(-1)?.id ?? ''}`);
    }
    return 0;
  });
}
