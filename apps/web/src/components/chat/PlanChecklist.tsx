/**
 * The agent's plan as a checklist: done entries ticked, the entry in progress marked, the rest
 * open. The chat shows one per session, updated in place as the agent reports its plan.
 */
import type { PlanEntry } from '../../lib/messages';

const MARKS: Record<PlanEntry['status'], string> = { completed: '✓', in_progress: '●', pending: '○' };
const STATES: Record<PlanEntry['status'], string> = { completed: 'done', in_progress: 'in progress', pending: 'to do' };

/** @param entries the plan's entries in the agent's order (lib/messages.ts `parsePlan`) */
export function PlanChecklist({ entries }: { entries: PlanEntry[] }) {
  const done = entries.filter((entry) => entry.status === 'completed').length;
  return (
    <div className="plan-checklist">
      <p className="muted small plan-progress">
        {done} of {entries.length} done
      </p>
      <ul aria-label="Plan">
        {entries.map((entry, index) => (
          <li key={index} className={`plan-entry ${entry.status}`} data-status={entry.status} aria-current={entry.status === 'in_progress' ? 'step' : undefined}>
            <span className="plan-mark" aria-hidden="true">
              {MARKS[entry.status]}
            </span>
            <span className="plan-text">{entry.content}</span>
            <span className="visually-hidden"> ({STATES[entry.status]})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
