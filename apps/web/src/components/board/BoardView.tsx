/**
 * The kanban board: one column per task status, labelled in plain words (lib/status-words.ts).
 * draft, ready, in_progress, completed, failed and cancelled always show; queued and delegated only
 * while they hold cards. Cards in a column by priority (highest first), then by recency.
 *
 * Fits the screen: at desktop widths the columns share the width (a minimum width, wrapping text)
 * so every column shows without a horizontal scrollbar; on a narrow screen a picker shows one
 * column at a time, starting with the first that holds cards. Cards move by drag and drop where
 * the move is legal (moves.ts: draft → Ready, draft/ready → Queued/Running = run, failed/cancelled
 * → retry); the card's own buttons do the same without dragging. The scroll position survives the
 * board being hidden (the chat shown instead) and shown again.
 */
import { DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import type { TaskStatus } from '@flotilla/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { api, errorText } from '../../lib/api';
import { useProjectRights } from '../../lib/project-role';
import { invalidateProject, useTasks } from '../../lib/queries';
import { taskStatusWords } from '../../lib/status-words';
import { BoardColumn, DraggableCard } from './BoardColumn';
import { boardColumns, firstNonEmptyColumn } from './columns';
import { boardMove, type BoardMove } from './moves';

/** Pixels a pointer moves before a press becomes a drag (so clicks on a card still work). */
const DRAG_START_DISTANCE_PX = 6;

/** The API call of each legal move. */
const MOVE_CALLS: Record<BoardMove, (projectId: string, taskId: string) => Promise<unknown>> = {
  markReady: (projectId, taskId) => api.markTaskReady(projectId, taskId),
  run: (projectId, taskId) => api.runTask(projectId, taskId),
  retry: (projectId, taskId) => api.retryTask(projectId, taskId),
};

export function BoardView({ projectId, active }: { projectId: string; active: boolean }) {
  const tasks = useTasks(projectId);
  // A viewer reads: no card moves (issue 14 item 2).
  const { canWrite } = useProjectRights(projectId);
  const queryClient = useQueryClient();
  const ref = useRef<HTMLDivElement>(null);
  const saved = useRef({ left: 0, top: 0 });
  const pickerId = useId();
  const [picked, setPicked] = useState<TaskStatus | null>(null);
  const [dragging, setDragging] = useState<TaskStatus | null>(null);
  const [moveError, setMoveError] = useState<string | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: DRAG_START_DISTANCE_PX } }), useSensor(KeyboardSensor));

  useLayoutEffect(() => {
    if (active && ref.current) ref.current.scrollTo(saved.current.left, saved.current.top);
  }, [active]);

  const onScroll = () => {
    if (active && ref.current) saved.current = { left: ref.current.scrollLeft, top: ref.current.scrollTop };
  };

  const columns = boardColumns(tasks.data ?? []);
  const shown = picked && columns.some((c) => c.status === picked) ? picked : firstNonEmptyColumn(columns);

  const onDragStart = (event: DragStartEvent) => {
    setMoveError(null);
    setDragging((event.active.data.current?.status as TaskStatus | undefined) ?? null);
  };
  const onDragEnd = async (event: DragEndEvent) => {
    const from = event.active.data.current?.status as TaskStatus | undefined;
    setDragging(null);
    const to = event.over?.id as TaskStatus | undefined;
    const move = from && to ? boardMove(from, to) : null;
    if (!move) return;
    try {
      await MOVE_CALLS[move](projectId, String(event.active.id));
    } catch (error) {
      setMoveError(errorText(error));
    }
    await invalidateProject(queryClient, projectId);
  };

  return (
    <section className="board-view" hidden={!active} aria-label="Board" ref={ref} onScroll={onScroll}>
      {tasks.isPending && <p className="muted">Loading tasks…</p>}
      {tasks.isError && <p role="alert" className="error">Could not load tasks: {errorText(tasks.error)}</p>}
      {moveError && <p role="alert" className="error">Could not move the task: {moveError}</p>}
      <label className="board-picker" htmlFor={pickerId}>
        Column
        <select id={pickerId} value={shown ?? ''} onChange={(e) => setPicked(e.target.value as TaskStatus)}>
          {columns.map((c) => (
            <option key={c.status} value={c.status}>
              {taskStatusWords(c.status).label} ({c.tasks.length})
            </option>
          ))}
        </select>
      </label>
      <DndContext sensors={sensors} onDragStart={onDragStart} onDragCancel={() => setDragging(null)} onDragEnd={(event) => void onDragEnd(event)}>
        <div className={dragging ? 'board is-dragging' : 'board'}>
          {columns.map((column) => (
            <BoardColumn
              key={column.status}
              status={column.status}
              count={column.tasks.length}
              accepts={dragging !== null && boardMove(dragging, column.status) !== null}
              picked={column.status === shown}
            >
              {column.tasks.map((task) => (
                <DraggableCard key={task.id} projectId={projectId} task={task} movable={canWrite && columns.some((c) => boardMove(task.status, c.status) !== null)} />
              ))}
            </BoardColumn>
          ))}
        </div>
      </DndContext>
    </section>
  );
}
