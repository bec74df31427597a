/**
 * A task status as a small coloured badge, in words a user knows (lib/status-words.ts): "Starting"
 * for delegated, "Running" for in_progress; its tooltip explains it in one line. Text, so it does
 * not rely on colour alone; a spinner only while a run goes on.
 */
import type { TaskStatus } from '@flotilla/contracts';
import { isRunningStatus, taskStatusWords } from '../../lib/status-words';

export function StatusBadge({ status }: { status: TaskStatus }) {
  const words = taskStatusWords(status);
  return (
    <span className={`badge ${status}`} data-status={status} title={words.explanation}>
      {isRunningStatus(status) && <span className="spinner" aria-hidden="true" />}
      {words.label}
    </span>
  );
}
