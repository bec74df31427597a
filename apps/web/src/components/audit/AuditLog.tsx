/**
 * The "Audit log" section at the end of a project's settings (issue 14, item 5): who did what,
 * when — newest first, one line per event in plain words (contracts `auditSentence`: "local ran
 * task “Fix the parser”"), with when it happened (relative, the exact time on hover and for
 * screen readers). "Load older" asks the API for the page before the oldest event shown.
 */
import { auditSentence, type AuditEvent } from '@flotilla/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, errorText } from '../../lib/api';
import { relativeTime } from '../../lib/time';

/** Events per page shown (the API gives at most 200). */
export const AUDIT_PAGE_SIZE = 20;

/** Query key of a project's audit log (invalidate it after a change the log records). */
export const auditKey = (projectId: string) => ['audit', projectId] as const;

function AuditRow({ event }: { event: AuditEvent }) {
  const iso = new Date(event.at).toISOString();
  return (
    <li className="audit-event">
      <time dateTime={iso} title={new Date(event.at).toLocaleString()} className="muted small">
        {relativeTime(iso)}
      </time>
      <span className="audit-sentence">{auditSentence(event)}</span>
    </li>
  );
}

export function AuditLog({ projectId }: { projectId: string }) {
  const log = useInfiniteQuery({
    queryKey: auditKey(projectId),
    queryFn: ({ pageParam }) => api.listProjectAudit(projectId, { limit: AUDIT_PAGE_SIZE, before: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.hasOlder ? page.events.at(-1)?.id : undefined),
  });
  const events = log.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <section className="card audit-log" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p className="muted small">Who did what in this project, newest first: tasks run and cancelled, settings changed, triggers and webhooks. Kept for a year by default.</p>
      {log.isError && <p role="alert" className="error small">Could not load the audit log: {errorText(log.error)}</p>}
      {log.isPending && <p className="muted small">Loading…</p>}
      {log.isSuccess && events.length === 0 && <p className="muted small">Nothing recorded yet.</p>}
      {events.length > 0 && (
        <ol className="audit-list" aria-label="Audit events">
          {events.map((event) => (
            <AuditRow key={event.id} event={event} />
          ))}
        </ol>
      )}
      {log.hasNextPage && (
        <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Loading…' : 'Load older'}
        </button>
      )}
    </section>
  );
}
