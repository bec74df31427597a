/** D1 access to `tasks` and `task_status_events`. Status changes go through `task-status.ts`. */
import type { AgentType, ExecutionStep, Task, TaskStatus, TaskStatusEvent, UpdateTaskRequest, VmSize } from '@flotilla/contracts';

export interface TaskRow {
  id: string;
  project_id: string;
  title: string;
  description: string;
  status: TaskStatus;
  execution_step: ExecutionStep | null;
  agent_type: AgentType;
  priority: number;
  vm_size: VmSize | null;
  chat_session_id: string | null;
  initial_message_id: string | null;
  node_id: string | null;
  workspace_id: string | null;
  agent_session_id: string | null;
  error: string | null;
  output_branch: string | null;
  output_commit_sha: string | null;
  output_pr_url: string | null;
  output_summary: string | null;
  output_files_changed: string | null;
  output_warning: string | null;
  created_at: string;
  updated_at: string;
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    description: row.description,
    status: row.status,
    executionStep: row.execution_step,
    agentType: row.agent_type,
    priority: row.priority,
    vmSize: row.vm_size,
    chatSessionId: row.chat_session_id,
    nodeId: row.node_id,
    workspaceId: row.workspace_id,
    error: row.error,
    output: {
      branch: row.output_branch,
      commitSha: row.output_commit_sha,
      prUrl: row.output_pr_url,
      summary: row.output_summary,
      filesChanged: row.output_files_changed ? (JSON.parse(row.output_files_changed) as string[]) : null,
      warning: row.output_warning,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewTask {
  id: string;
  projectId: string;
  title: string;
  description: string;
  status: TaskStatus;
  agentType: AgentType;
  priority: number;
  vmSize: VmSize | null;
  chatSessionId: string;
  initialMessageId: string;
}

/** Statement inserting a task (batched with its first status event by the caller). */
export function insertTaskStatement(db: D1Database, task: NewTask, now: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO tasks (id, project_id, title, description, status, agent_type, priority, vm_size, chat_session_id, initial_message_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(task.id, task.projectId, task.title, task.description, task.status, task.agentType, task.priority, task.vmSize, task.chatSessionId, task.initialMessageId, now, now);
}

export async function getTaskRow(db: D1Database, id: string): Promise<TaskRow | null> {
  return db.prepare('SELECT * FROM tasks WHERE id = ?').bind(id).first<TaskRow>();
}

export async function listTaskRows(db: D1Database, projectId: string, status?: TaskStatus): Promise<TaskRow[]> {
  const query = status
    ? db.prepare('SELECT * FROM tasks WHERE project_id = ? AND status = ? ORDER BY priority DESC, created_at DESC').bind(projectId, status)
    : db.prepare('SELECT * FROM tasks WHERE project_id = ? ORDER BY priority DESC, created_at DESC').bind(projectId);
  const { results } = await query.all<TaskRow>();
  return results;
}

/** Columns the TaskRunner may set as a run progresses (never `status`: see task-status.ts). */
export type TaskRunFields = Partial<
  Pick<
    TaskRow,
    | 'execution_step'
    | 'node_id'
    | 'workspace_id'
    | 'agent_session_id'
    | 'error'
    | 'output_branch'
    | 'output_commit_sha'
    | 'output_pr_url'
    | 'output_summary'
    | 'output_files_changed'
    | 'output_warning'
  >
>;

/** Statement setting run fields of a task; with `whenStatus`, only while it has that status. */
export function updateTaskFieldsStatement(db: D1Database, id: string, fields: TaskRunFields, whenStatus?: TaskStatus): D1PreparedStatement {
  const entries = Object.entries(fields);
  const assignments = [...entries.map(([column]) => `${column} = ?`), 'updated_at = ?'].join(', ');
  const values = [...entries.map(([, value]) => value ?? null), new Date().toISOString(), id];
  if (whenStatus) return db.prepare(`UPDATE tasks SET ${assignments} WHERE id = ? AND status = ?`).bind(...values, whenStatus);
  return db.prepare(`UPDATE tasks SET ${assignments} WHERE id = ?`).bind(...values);
}

export async function updateTaskFields(db: D1Database, id: string, fields: TaskRunFields): Promise<void> {
  await updateTaskFieldsStatement(db, id, fields).run();
}

interface EventRow {
  id: string;
  task_id: string;
  from_status: TaskStatus | null;
  to_status: TaskStatus;
  step: ExecutionStep | null;
  actor: string;
  reason: string | null;
  created_at: string;
}

export async function listTaskEvents(db: D1Database, taskId: string): Promise<TaskStatusEvent[]> {
  const { results } = await db
    .prepare('SELECT * FROM task_status_events WHERE task_id = ? ORDER BY created_at, rowid')
    .bind(taskId)
    .all<EventRow>();
  return results.map((row) => ({
    id: row.id,
    taskId: row.task_id,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    step: row.step,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.created_at,
  }));
}

const EDITABLE_COLUMNS: Record<keyof UpdateTaskRequest, string> = {
  title: 'title',
  description: 'description',
  priority: 'priority',
  agentType: 'agent_type',
  vmSize: 'vm_size',
};

/**
 * Edit a task's definition while it has status `whileStatus` (compare-and-set).
 * @returns true when the row was updated
 */
export async function editTask(db: D1Database, id: string, changes: UpdateTaskRequest, whileStatus: TaskStatus): Promise<boolean> {
  const entries = (Object.keys(changes) as Array<keyof UpdateTaskRequest>).filter((key) => changes[key] !== undefined);
  const assignments = [...entries.map((key) => `${EDITABLE_COLUMNS[key]} = ?`), 'updated_at = ?'].join(', ');
  const result = await db
    .prepare(`UPDATE tasks SET ${assignments} WHERE id = ? AND status = ?`)
    .bind(...entries.map((key) => changes[key] ?? null), new Date().toISOString(), id, whileStatus)
    .run();
  return result.meta.changes === 1;
}
