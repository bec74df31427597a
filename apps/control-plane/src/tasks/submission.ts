/**
 * Creating and running tasks (DESIGN.md §2 hop 1): the chat session in ProjectData with the
 * description as its first `user` message (one call), the task row in D1 with its status events
 * (one batch, answering the row), the announcement of it to the project's viewers, and — for
 * `run: true` or a run asked for later — the TaskRunner that carries it to the agent, handed what
 * the run needs of the task so it never reads the row again. A task on several agents
 * (`agentTypes`) is queued itself and hands the run to its variants (tasks/variants.ts).
 */
import { deriveTaskTitle, newId, type CreateTaskRequest, type Project, type Task, type UserRef } from '@flotilla/contracts';
import type { Deps } from '../deps.js';
import { announceTask } from './events.js';
import { insertTaskWithEvents, runSubjectOf, toTask, type StatusEvent, type TaskRow } from './repository.js';
import { transitionTaskFrom } from './status.js';
import { startVariants, withVariantsOne } from './variants.js';

type TaskDeps = Pick<Deps, 'db' | 'stubs' | 'log'>;

/**
 * Create a task in `project`: `draft`, or with `run: true` queued (its events `null → ready`
 * "created" and `ready → queued` "run requested") and handed to its TaskRunner — or, with
 * `agentTypes`, to its variants (one per agent type, created when it is queued).
 * @param createdBy the signed-in user asking (recorded on the task, and as the author of its first
 *   chat message); null for the operator's implicit user, the shared token or a trigger
 * @returns the task as stored (a task on several agents with its `variants`)
 */
export async function submitTask(deps: TaskDeps, project: Project, input: CreateTaskRequest, actor: string, createdBy: UserRef | null = null): Promise<Task> {
  const taskId = newId('tsk');
  const chatSessionId = newId('ses');
  const initialMessageId = crypto.randomUUID();
  const title = input.title ?? deriveTaskTitle(input.description);
  const firstMessage = { messageId: initialMessageId, sessionId: chatSessionId, role: 'user' as const, content: input.description, timestamp: new Date().toISOString(), author: createdBy };
  await deps.stubs.projectData(project.id).createSession(project.id, { id: chatSessionId, taskId, workspaceId: null, topic: title }, firstMessage);
  // A task on several agents has no run (nor execution step) of its own: its variants do.
  const firstStep = input.run && !input.agentTypes ? 'node_selection' : null;
  const events: StatusEvent[] = input.run
    ? [
        { from: null, to: 'ready', actor, reason: 'created' },
        { from: 'ready', to: 'queued', actor, reason: 'run requested', step: firstStep },
      ]
    : [{ from: null, to: 'draft', actor, reason: 'created' }];
  const row = await insertTaskWithEvents(
    deps.db,
    {
      id: taskId,
      projectId: project.id,
      title,
      description: input.description,
      status: input.run ? 'queued' : 'draft',
      executionStep: firstStep,
      agentType: input.agentTypes?.[0] ?? input.agentType ?? project.defaultAgentType,
      priority: input.priority ?? 0,
      vmSize: input.vmSize ?? null,
      chatSessionId,
      initialMessageId,
      variantAgentTypes: input.agentTypes ?? null,
      createdBy: createdBy?.userId ?? null,
    },
    events,
  );
  await announceTask(deps, row);
  if (input.run) await startRunOf(deps, row, actor);
  return input.agentTypes || createdBy ? withVariantsOne(deps.db, row) : toTask(row);
}

/**
 * Queue `task` (as just read) and start its TaskRunner. A draft becomes ready first (two
 * recorded transitions).
 * @returns the task as written
 * @throws FlotillaError conflict (409) when the task is neither `draft` nor `ready`
 */
export async function runTask(deps: TaskDeps, task: TaskRow, actor: string): Promise<TaskRow> {
  let row = task;
  if (row.status === 'draft') row = (await transitionTaskFrom(deps, row, 'ready', { actor, reason: 'run requested' })).task;
  const onSeveralAgents = row.variant_agent_types !== null;
  // A task on several agents has no run (nor execution step) of its own: its variants do.
  row = (await transitionTaskFrom(deps, row, 'queued', { actor, reason: 'run requested', step: onSeveralAgents ? null : 'node_selection', fields: onSeveralAgents ? undefined : { execution_step: 'node_selection' } })).task;
  await startRunOf(deps, row, actor);
  return row;
}

/** Start the run of `row`, just queued: its TaskRunner, or for a task on several agents its variants. */
async function startRunOf(deps: TaskDeps, row: TaskRow, actor: string): Promise<void> {
  if (row.variant_agent_types) await startVariants(deps, row, actor);
  else await deps.stubs.taskRunner(row.id).start(runSubjectOf(row));
}
