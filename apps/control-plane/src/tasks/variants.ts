/**
 * Several agents on one task (issue 13 item 4). A task created with `agentTypes` is the *parent*
 * of one *variant* per agent type: a task row of its own (`parent_task_id`) with its own run
 * (node, workspace, agent session — the ordinary TaskRunner), its own chat session and its own
 * branch `task/<parentId>-<agentType>`. The parent is what the board and the task lists show;
 * its status follows its variants (tasks/status.ts `followVariants`), and `GET` answers it with
 * `variants`. Variants are created when the parent is queued, so a draft's description and
 * title, edited before it runs, are what every variant gets.
 */
import { addModelUsage, AGENT_CATALOG, AgentType, EMPTY_MODEL_USAGE, newId, type Task, type TaskVariant } from '@flotilla/contracts';
import { conflict } from '@flotilla/kit';
import * as z from 'zod';
import type { Deps } from '../deps.js';
import { userRefs } from '../members/repository.js';
import { insertTasksWithEvents, listVariantRows, runSubjectOf, toTask, type NewTask, type TaskRow } from './repository.js';

type TaskDeps = Pick<Deps, 'db' | 'stubs' | 'log'>;

const AgentTypeList = z.array(AgentType);

/** The agent types a parent task runs on, in the order asked for; null for an ordinary task. */
export function variantAgentTypesOf(row: TaskRow): AgentType[] | null {
  return row.variant_agent_types ? AgentTypeList.parse(JSON.parse(row.variant_agent_types)) : null;
}

/** A variant as its parent's `variants` shows it. */
export function toTaskVariant(row: TaskRow): TaskVariant {
  const task = toTask(row);
  return {
    taskId: task.id,
    agentType: task.agentType,
    status: task.status,
    error: task.error,
    branch: task.output.branch,
    summary: task.output.summary,
    filesChanged: task.output.filesChanged,
    commitSha: task.output.commitSha,
    chatSessionId: task.chatSessionId,
    usage: task.usage,
  };
}

/**
 * The tasks `rows` as the API shows them, a parent with its `variants` (read in one query for
 * all of them) and, as its usage, the sum of theirs (null while none reported any).
 */
export async function withVariants(db: D1Database, rows: readonly TaskRow[]): Promise<Task[]> {
  const parentIds = rows.filter((row) => row.variant_agent_types).map((row) => row.id);
  const variantRows = await listVariantRows(db, parentIds);
  // Who created each task (members/): one read, only when some task has a creator.
  const creators = await userRefs(db, rows.flatMap((row) => (row.created_by ? [row.created_by] : [])));
  return rows.map((row) => {
    const creator = row.created_by ? creators.get(row.created_by) : undefined;
    const task = creator ? { ...toTask(row), createdBy: creator } : toTask(row);
    if (!row.variant_agent_types) return task;
    const variants = variantRows.filter((variant) => variant.parent_task_id === row.id).map(toTaskVariant);
    const usages = variants.flatMap((variant) => (variant.usage ? [variant.usage] : []));
    const usage = usages.length > 0 ? usages.reduce(addModelUsage, EMPTY_MODEL_USAGE) : null;
    return { ...task, usage, variants };
  });
}

/** One task as the API shows it (a parent with its variants). */
export async function withVariantsOne(db: D1Database, row: TaskRow): Promise<Task> {
  const [task] = await withVariants(db, [row]);
  return task ?? toTask(row);
}

/**
 * Create and start the variants of `parent`, which was just queued: per agent type a chat
 * session (the description as its first `user` message, the agent's label in its topic), then
 * all variant rows `queued` in one batch, then each one's TaskRunner. The parent's chat gets a
 * `system` message naming the agents.
 * @returns the variant rows as stored
 */
export async function startVariants(deps: TaskDeps, parent: TaskRow, actor: string): Promise<TaskRow[]> {
  const agentTypes = variantAgentTypesOf(parent);
  if (!agentTypes) throw conflict(`task ${parent.id} does not run on several agents`);
  const projectData = deps.stubs.projectData(parent.project_id);
  // The variants' first messages are their creator's words, like the parent's.
  const author = parent.created_by ? ((await userRefs(deps.db, [parent.created_by])).get(parent.created_by) ?? null) : null;
  const variants: NewTask[] = [];
  for (const agentType of agentTypes) {
    const taskId = newId('tsk');
    const chatSessionId = newId('ses');
    const initialMessageId = crypto.randomUUID();
    const firstMessage = { messageId: initialMessageId, sessionId: chatSessionId, role: 'user' as const, content: parent.description, timestamp: new Date().toISOString(), author };
    await projectData.createSession(parent.project_id, { id: chatSessionId, taskId, workspaceId: null, topic: variantTitle(parent.title, agentType) }, firstMessage);
    variants.push({
      id: taskId,
      projectId: parent.project_id,
      title: variantTitle(parent.title, agentType),
      description: parent.description,
      status: 'queued',
      executionStep: 'node_selection',
      agentType,
      priority: parent.priority,
      vmSize: parent.vm_size,
      chatSessionId,
      initialMessageId,
      parentTaskId: parent.id,
      createdBy: parent.created_by ?? null,
    });
  }
  const rows = await insertTasksWithEvents(deps.db, variants, [
    { from: null, to: 'ready', actor, reason: `variant of ${parent.id}` },
    { from: 'ready', to: 'queued', actor, reason: 'run requested', step: 'node_selection' },
  ]);
  if (parent.chat_session_id) {
    const names = agentTypes.map((type) => AGENT_CATALOG[type].label).join(', ');
    await projectData.persistMessageBatch([
      { messageId: crypto.randomUUID(), sessionId: parent.chat_session_id, role: 'system', content: `Running on ${agentTypes.length} agents (${names}): one chat session and one branch each.`, timestamp: new Date().toISOString() },
    ]);
  }
  for (const row of rows) await deps.stubs.taskRunner(row.id).start(runSubjectOf(row));
  deps.log.child({ component: 'task-variants' }).info('variants started', { taskId: parent.id, variants: rows.map((row) => row.id) });
  return rows;
}

/** A variant's title (its chat session's too): its parent's, then the agent's name (`Fix the tests · Codex`), at most 200 characters. */
export function variantTitle(parentTitle: string, agentType: AgentType): string {
  const suffix = ` · ${AGENT_CATALOG[agentType].label}`;
  const room = 200 - suffix.length;
  return `${parentTitle.length > room ? `${parentTitle.slice(0, room - 1)}…` : parentTitle}${suffix}`;
}

/**
 * Refuse to run or retry a variant on its own: its parent's status follows its variants, so a
 * variant runs again only through its parent's retry.
 * @throws FlotillaError conflict (409) naming the parent
 */
export function refuseOnVariant(row: TaskRow, action: 'run' | 'retry'): void {
  if (row.parent_task_id) throw conflict(`task ${row.id} is a variant of task ${row.parent_task_id}: ${action} the task ${row.parent_task_id} instead`);
}
