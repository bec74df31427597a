/**
 * D1 storage of tasks: `tasks` and `task_status_events`. Every SQL statement on them is here.
 * Status changes go through tasks/status.ts (the one place that checks transitions); writes that
 * change a task answer the row they wrote (`RETURNING *`), so nobody reads it back.
 */
import { TERMINAL_TASK_STATUSES, newId, taskVariantBranchName, type AgentType, type ExecutionStep, type Task, type TaskStatus, type TaskStatusEvent, type UpdateTaskRequest, type VmSize, DiffStat, ModelUsage } from '@flotilla/contracts';
import type { TaskRunSubject } from '../runs/run-state.js';

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
  /** JSON `DiffStat`: what the run changed on its branch, as the node daemon measured it (migration 0009). */
  diff_stat: string | null;
  /** JSON `ModelUsage`: the sum over the task's runs as their gateways counted it (migration 0005). */
  usage: string | null;
  /** On a variant of a task run on several agents: its parent task (migration 0008). */
  parent_task_id: string | null;
  /** On a task run on several agents: JSON array of its variants' agent types, in order (migration 0008). */
  variant_agent_types: string | null;
  /** The chat messageId of the follow-up that resumed the task's current run; null: not a resume (migration 0012). */
  resume_message_id: string | null;
  /** Why the queued task does not start (its project's daily budget is reached), or null (migration 0014). */
  waiting_reason?: string | null;
  /** The user who created the task; null for the implicit local user, the shared token or a trigger (migration 0020). */
  created_by?: string | null;
  created_at: string;
  updated_at: string;
}

/** The task as the API shows it. */
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
      diffStat: row.diff_stat ? DiffStat.parse(JSON.parse(row.diff_stat)) : null,
    },
    usage: row.usage ? ModelUsage.parse(JSON.parse(row.usage)) : null,
    ...(row.parent_task_id ? { parentTaskId: row.parent_task_id } : {}),
    waitingReason: row.status === 'queued' ? (row.waiting_reason ?? null) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What a run of the task needs of it (kept in the run state, so the row is not read again). */
export function runSubjectOf(row: TaskRow): TaskRunSubject {
  return {
    taskId: row.id,
    projectId: row.project_id,
    title: row.title,
    agentType: row.agent_type,
    vmSize: row.vm_size,
    chatSessionId: row.chat_session_id,
    initialMessageId: row.initial_message_id,
    ...(row.parent_task_id ? { branch: taskVariantBranchName(row.parent_task_id, row.agent_type) } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    ...(row.resume_message_id ? { resume: { messageId: row.resume_message_id, branch: row.output_branch, prUrl: row.output_pr_url } } : {}),
  };
}

export interface NewTask {
  id: string;
  projectId: string;
  title: string;
  description: string;
  status: TaskStatus;
  executionStep: ExecutionStep | null;
  agentType: AgentType;
  priority: number;
  vmSize: VmSize | null;
  chatSessionId: string;
  initialMessageId: string;
  /** Set on a variant: the task run on several agents it belongs to. */
  parentTaskId?: string | null;
  /** Set on a task run on several agents: its variants' agent types, in order. */
  variantAgentTypes?: readonly AgentType[] | null;
  /** The user who created it (members/); null or absent: the operator or a trigger. */
  createdBy?: string | null;
}

/** A status event to record: `from → to`, by `actor`, with its reason and the step it happened at. */
export interface StatusEvent {
  from: TaskStatus | null;
  to: TaskStatus;
  actor: string;
  reason?: string | null;
  step?: ExecutionStep | null;
}

/** The statement recording one status event; with `onlyIfPreviousChanged`, only when the statement before it changed a row. */
export function statusEventStatement(db: D1Database, taskId: string, event: StatusEvent, onlyIfPreviousChanged = false): D1PreparedStatement {
  const guard = onlyIfPreviousChanged ? ' WHERE changes() = 1' : '';
  return db
    .prepare(`INSERT INTO task_status_events (id, task_id, from_status, to_status, step, actor, reason, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?${guard}`)
    .bind(newId('evt'), taskId, event.from, event.to, event.step ?? null, event.actor, event.reason ?? null, new Date().toISOString());
}

/** The statement inserting `task`, answering its row. */
function insertTaskStatement(db: D1Database, task: NewTask, now: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO tasks (id, project_id, title, description, status, execution_step, agent_type, priority, vm_size, chat_session_id, initial_message_id, parent_task_id, variant_agent_types, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(
      task.id,
      task.projectId,
      task.title,
      task.description,
      task.status,
      task.executionStep,
      task.agentType,
      task.priority,
      task.vmSize,
      task.chatSessionId,
      task.initialMessageId,
      task.parentTaskId ?? null,
      task.variantAgentTypes ? JSON.stringify(task.variantAgentTypes) : null,
      task.createdBy ?? null,
      now,
      now,
    );
}

/**
 * Insert a task and its first status events in one batch (one transaction).
 * @returns the task row as stored
 */
export async function insertTaskWithEvents(db: D1Database, task: NewTask, events: readonly StatusEvent[]): Promise<TaskRow> {
  const [row] = await insertTasksWithEvents(db, [task], events);
  if (!row) throw new Error(`task ${task.id} was not stored`);
  return row;
}

/**
 * Insert several tasks (a task run on several agents, then its variants), each with the same
 * first status events, in one batch (one transaction).
 * @returns the rows as stored, in the order of `tasks`
 */
export async function insertTasksWithEvents(db: D1Database, tasks: readonly NewTask[], events: readonly StatusEvent[]): Promise<TaskRow[]> {
  const now = new Date().toISOString();
  const statements = tasks.flatMap((task) => [insertTaskStatement(db, task, now), ...events.map((event) => statusEventStatement(db, task.id, event))]);
  const results = await db.batch<TaskRow>(statements);
  return tasks.map((task, index) => {
    const row = results[index * (events.length + 1)]?.results[0];
    if (!row) throw new Error(`task ${task.id} was not stored`);
    return row;
  });
}

/** The variants of the tasks `parentIds` (run on several agents), oldest first. */
export async function listVariantRows(db: D1Database, parentIds: readonly string[]): Promise<TaskRow[]> {
  if (parentIds.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT * FROM tasks WHERE parent_task_id IN (${parentIds.map(() => '?').join(',')}) ORDER BY created_at, rowid`)
    .bind(...parentIds)
    .all<TaskRow>();
  return results;
}

/** A task's row, or null. */
export async function getTaskRow(db: D1Database, id: string): Promise<TaskRow | null> {
  return db.prepare('SELECT * FROM tasks WHERE id = ?').bind(id).first<TaskRow>();
}

/** A project's tasks, by priority then recency; `status` filters. Variants of a task run on several agents are not listed (their parent is). */
export async function listTaskRows(db: D1Database, projectId: string, status?: TaskStatus): Promise<TaskRow[]> {
  const query = status
    ? db.prepare('SELECT * FROM tasks WHERE project_id = ? AND status = ? AND parent_task_id IS NULL ORDER BY priority DESC, created_at DESC').bind(projectId, status)
    : db.prepare('SELECT * FROM tasks WHERE project_id = ? AND parent_task_id IS NULL ORDER BY priority DESC, created_at DESC').bind(projectId);
  const { results } = await query.all<TaskRow>();
  return results;
}

/** Title and status of each of `taskIds` that exists (for chat session lists). */
export async function taskSummaries(db: D1Database, taskIds: readonly string[]): Promise<Map<string, { title: string; status: TaskStatus }>> {
  const summaries = new Map<string, { title: string; status: TaskStatus }>();
  if (taskIds.length === 0) return summaries;
  const { results } = await db
    .prepare(`SELECT id, title, status FROM tasks WHERE id IN (${taskIds.map(() => '?').join(',')})`)
    .bind(...taskIds)
    .all<{ id: string; title: string; status: TaskStatus }>();
  for (const row of results) summaries.set(row.id, { title: row.title, status: row.status });
  return summaries;
}

/** Tasks whose run should be under way (`queued`, `delegated`, `in_progress`), for the cron. */
export async function listTasksUnderWay(db: D1Database): Promise<TaskRow[]> {
  const { results } = await db.prepare("SELECT * FROM tasks WHERE status IN ('queued', 'delegated', 'in_progress')").all<TaskRow>();
  return results;
}

/** Ids of project `projectId`'s `queued` tasks that have runs of their own (not parents of variants): those a budget change wakes. */
export async function listQueuedTaskIds(db: D1Database, projectId: string): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM tasks WHERE project_id = ? AND status = 'queued' AND variant_agent_types IS NULL").bind(projectId).all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Ids of tasks waiting on node `nodeId` (`queued` or `delegated`): their runners want its ready callback. */
export async function listTaskIdsWaitingOnNode(db: D1Database, nodeId: string): Promise<string[]> {
  const { results } = await db.prepare("SELECT id FROM tasks WHERE node_id = ? AND status IN ('queued', 'delegated')").bind(nodeId).all<{ id: string }>();
  return results.map((row) => row.id);
}

/** Columns a run may set as it progresses (never `status`: see tasks/status.ts). */
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
    | 'diff_stat'
    | 'usage'
    | 'resume_message_id'
    | 'waiting_reason'
  >
>;

/**
 * Statement setting run fields of a task, answering the row (`RETURNING *`); with `whenStatus`,
 * only while it has that status.
 */
export function updateTaskFieldsStatement(db: D1Database, id: string, fields: TaskRunFields, whenStatus?: TaskStatus): D1PreparedStatement {
  const entries = Object.entries(fields);
  const assignments = [...entries.map(([column]) => `${column} = ?`), 'updated_at = ?'].join(', ');
  const values = [...entries.map(([, value]) => value ?? null), new Date().toISOString(), id];
  if (whenStatus) return db.prepare(`UPDATE tasks SET ${assignments} WHERE id = ? AND status = ? RETURNING *`).bind(...values, whenStatus);
  return db.prepare(`UPDATE tasks SET ${assignments} WHERE id = ? RETURNING *`).bind(...values);
}

/** The compare-and-set of a status change, answering the row it wrote (none when the task was not `from`). */
export function updateTaskStatusStatement(db: D1Database, id: string, from: TaskStatus, to: TaskStatus): D1PreparedStatement {
  return db.prepare('UPDATE tasks SET status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING *').bind(to, new Date().toISOString(), id, from);
}

/**
 * Record that a task's run reached `step` (and set `fields` with it), while the task has not
 * ended. @returns the row as written, or null when the task ended (or is gone)
 */
export async function recordTaskStep(db: D1Database, id: string, step: ExecutionStep, fields: TaskRunFields = {}): Promise<TaskRow | null> {
  const entries = Object.entries({ ...fields, execution_step: step });
  const assignments = [...entries.map(([column]) => `${column} = ?`), 'updated_at = ?'].join(', ');
  const terminal = TERMINAL_TASK_STATUSES.map(() => '?').join(', ');
  return db
    .prepare(`UPDATE tasks SET ${assignments} WHERE id = ? AND status NOT IN (${terminal}) RETURNING *`)
    .bind(...entries.map(([, value]) => value ?? null), new Date().toISOString(), id, ...TERMINAL_TASK_STATUSES)
    .first<TaskRow>();
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

/** A task's status events, oldest first. */
export async function listTaskEvents(db: D1Database, taskId: string): Promise<TaskStatusEvent[]> {
  const { results } = await db.prepare('SELECT * FROM task_status_events WHERE task_id = ? ORDER BY created_at, rowid').bind(taskId).all<EventRow>();
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
 * @returns the row as written, or null when the task was no longer `whileStatus`
 */
export async function editTask(db: D1Database, id: string, changes: UpdateTaskRequest, whileStatus: TaskStatus): Promise<TaskRow | null> {
  const entries = (Object.keys(changes) as Array<keyof UpdateTaskRequest>).filter((key) => changes[key] !== undefined);
  const assignments = [...entries.map((key) => `${EDITABLE_COLUMNS[key]} = ?`), 'updated_at = ?'].join(', ');
  return db
    .prepare(`UPDATE tasks SET ${assignments} WHERE id = ? AND status = ? RETURNING *`)
    .bind(...entries.map((key) => changes[key] ?? null), new Date().toISOString(), id, whileStatus)
    .first<TaskRow>();
}

/**
 * Record the URL of the pull request opened for a completed task ("Open pull request", issue 16
 * item 1), only while it is completed and has none.
 * @returns the row as written, or null when the task changed meanwhile (it runs again, or got one)
 */
export async function recordPullRequestUrl(db: D1Database, id: string, prUrl: string): Promise<TaskRow | null> {
  return db
    .prepare("UPDATE tasks SET output_pr_url = ?, updated_at = ? WHERE id = ? AND status = 'completed' AND output_pr_url IS NULL RETURNING *")
    .bind(prUrl, new Date().toISOString(), id)
    .first<TaskRow>();
}
