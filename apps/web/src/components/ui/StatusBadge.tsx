/** A task status as a small coloured badge (text, so it does not rely on colour alone). */
import type { TaskStatus } from '@flotilla/contracts';

export function StatusBadge({ status }: { status: TaskStatus }) {
  const busy = status === 'queued' || status === 'delegated' || status === 'in_progress';
  return (
    <span className={`badge ${status}`} data-status={status}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {status.replace('_', ' ')}
    </span>
  );
}
