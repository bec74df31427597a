/**
 * The kanban board: one column per task status. draft, ready, in_progress, completed, failed and
 * cancelled always show; queued and delegated only while they hold cards. Cards in a column are
 * ordered by priority (highest first), then by recency. The scroll position survives the board
 * being hidden (the chat shown instead) and shown again.
 */
import { useLayoutEffect, useRef } from 'react';
import { errorText } from '../../lib/api';
import { useTasks } from '../../lib/queries';
import { boardColumns } from './columns';
import { KanbanCard } from './KanbanCard';

export function BoardView({ projectId, active }: { projectId: string; active: boolean }) {
  const tasks = useTasks(projectId);
  const ref = useRef<HTMLDivElement>(null);
  const saved = useRef({ left: 0, top: 0 });

  useLayoutEffect(() => {
    if (active && ref.current) ref.current.scrollTo(saved.current.left, saved.current.top);
  }, [active]);

  const onScroll = () => {
    if (active && ref.current) saved.current = { left: ref.current.scrollLeft, top: ref.current.scrollTop };
  };

  return (
    <section className="board-view" hidden={!active} aria-label="Board" ref={ref} onScroll={onScroll}>
      {tasks.isPending && <p className="muted">Loading tasks…</p>}
      {tasks.isError && <p role="alert" className="error">Could not load tasks: {errorText(tasks.error)}</p>}
      <div className="board">
        {boardColumns(tasks.data ?? []).map((column) => (
          <section key={column.status} className="column" aria-labelledby={`col-${column.status}`} data-column={column.status}>
            <h2 id={`col-${column.status}`} className="column-title">
              {column.status.replace('_', ' ')} <span className="muted">{column.tasks.length}</span>
            </h2>
            {column.tasks.length === 0 && <p className="muted small placeholder">No tasks</p>}
            {column.tasks.map((task) => (
              <KanbanCard key={task.id} projectId={projectId} task={task} />
            ))}
          </section>
        ))}
      </div>
    </section>
  );
}
