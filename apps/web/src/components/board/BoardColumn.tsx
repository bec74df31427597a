/**
 * One board column as a drop target, and a card that can be dragged (dnd-kit). A column lights up
 * only while a card that may legally land there (moves.ts) is dragged over it; any other column is
 * disabled as a target, so an illegal drop changes nothing. A card is dragged with the pointer or
 * touch anywhere on it (after a few pixels, so clicks on its links and buttons still work), or with
 * the keyboard from its "Move" handle (Space to lift, arrows to move, Space to drop, Escape to put
 * back).
 */
import { useDraggable, useDroppable } from '@dnd-kit/core';
import type { Task, TaskStatus } from '@flotilla/contracts';
import type { KeyboardEvent, ReactNode } from 'react';
import { taskStatusWords } from '../../lib/status-words';
import { KanbanCard } from './KanbanCard';

interface ColumnProps {
  status: TaskStatus;
  count: number;
  /** True while a dragged card may be dropped here. */
  accepts: boolean;
  /** Shown on narrow screens (the column picker's choice). */
  picked: boolean;
  children: ReactNode;
}

export function BoardColumn({ status, count, accepts, picked, children }: ColumnProps) {
  const { setNodeRef, isOver } = useDroppable({ id: status, disabled: !accepts });
  const words = taskStatusWords(status);
  const classes = ['column', picked ? 'picked' : '', accepts ? 'drop-ok' : '', accepts && isOver ? 'drop-over' : ''].filter(Boolean).join(' ');
  return (
    <section ref={setNodeRef} className={classes} aria-labelledby={`col-${status}`} data-column={status} data-drop={accepts ? 'ok' : undefined}>
      <h2 id={`col-${status}`} className="column-title" title={words.explanation}>
        {words.label} <span className="muted">{count}</span>
      </h2>
      {count === 0 && <p className="muted small placeholder">No tasks</p>}
      {children}
    </section>
  );
}

/** A card that can be dragged to another column; `movable` is false when no move is legal from its status. */
export function DraggableCard({ projectId, task, movable }: { projectId: string; task: Task; movable: boolean }) {
  const { setNodeRef, listeners, attributes, transform, isDragging } = useDraggable({ id: task.id, disabled: !movable, data: { status: task.status } });
  const { onKeyDown, ...pointerListeners } = listeners ?? {};
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <div ref={setNodeRef} className={isDragging ? 'card-drag dragging' : 'card-drag'} style={style} {...(movable ? pointerListeners : {})}>
      {movable && (
        <button type="button" className="drag-handle small" {...attributes} onKeyDown={onKeyDown as ((event: KeyboardEvent) => void) | undefined} aria-label={`Move ${task.title}`} title="Drag to another column">
          ⠿ Move
        </button>
      )}
      <KanbanCard projectId={projectId} task={task} />
    </div>
  );
}
