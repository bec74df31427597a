/**
 * Task commands against a running control plane (`--server URL`, else the running `flotilla up`
 * found through `.flotilla/server.json`), all through the public API:
 * - `flotilla tasks [--status S] [--json]`: tasks of every project, by priority then recency, with
 *   their tokens and cost estimate (and why a queued task waits, when its budget holds it);
 * - `flotilla logs <taskId> [--follow]`: status events and chat messages (`--follow`: until it ends);
 * - `flotilla cancel <taskId>`, `flotilla retry <taskId>`;
 * - `flotilla prompt <sessionId> "<text>"`: a follow-up prompt to the session's running agent; to
 *   the session of a task that ended, it resumes the task (prints `resumed`).
 * Each returns the process exit code: 0 done, 1 refused or failed.
 */
import { formatCost, formatTokens, formatUsageLine, tokensTotal, TaskStatus, type Task, type TaskStatusEvent, type TaskWithEvents } from '@flotilla/contracts';
import { followTask } from '../run/follow.js';
import { STEP_LABELS, renderMessage } from '../run/render.js';
import { connectToServer, refusalsAsExitCode, write, type ServerOptions } from './server-connection.js';
import { diffStatLine } from '../run/diff-line.js';

/** The cost column: "14.4k tokens $0.04" (tokens in and out; "cost unknown" when the price table has no price), "-" before any usage. */
function costColumn(task: Task): string {
  const cost = task.cost;
  if (!cost || (cost.tokens.requests === 0 && cost.nodeMs === 0)) return '-';
  return `${formatTokens(tokensTotal(cost.tokens))} tokens ${formatCost(cost)}`;
}

function taskLine(task: Task): string {
  const step = task.status === 'queued' || task.status === 'delegated' || task.status === 'in_progress' ? ` (${task.executionStep ?? '-'})` : '';
  const waiting = task.waitingReason ? `\n      waiting: ${task.waitingReason}` : '';
  return `${task.id}  ${`${task.status}${step}`.padEnd(34)}  p${task.priority}  ${costColumn(task).padEnd(26)}  ${task.title}${waiting}`;
}

/** `flotilla tasks [--status S] [--json]`. */
export async function tasksCommand(options: ServerOptions & { status?: string; json?: boolean }): Promise<number> {
  const client = connectToServer(options);
  const status = options.status ? TaskStatus.parse(options.status) : undefined;
  const projects = await client.listProjects();
  const all: Task[] = [];
  for (const project of projects) all.push(...(await client.listTasks(project.id, status)));
  if (options.json) {
    write(JSON.stringify(all));
    return 0;
  }
  if (all.length === 0) write(status ? `No ${status} tasks.` : 'No tasks.');
  for (const project of projects) {
    const tasks = all.filter((t) => t.projectId === project.id);
    if (tasks.length === 0) continue;
    write(`${project.name} (${project.repoUrl})`);
    for (const task of tasks) write(`  ${taskLine(task)}`);
  }
  return 0;
}

function eventLine(event: TaskStatusEvent): string {
  return `  ${event.createdAt}  ${event.fromStatus ?? '-'} → ${event.toStatus}${event.step ? ` [${event.step}]` : ''} by ${event.actor}${event.reason ? `: ${event.reason}` : ''}`;
}

function describeOutcome(task: TaskWithEvents): string[] {
  const lines = [`Task ${task.id} ${task.status}${task.error ? `: ${task.error}` : ''}`];
  if (task.output.branch) lines.push(`Branch: ${task.output.branch}${task.output.commitSha ? ` @ ${task.output.commitSha.slice(0, 12)}` : ''}`);
  const changes = diffStatLine(task.output);
  if (changes) lines.push(changes);
  if (task.output.prUrl) lines.push(`Pull request: ${task.output.prUrl}`);
  if (task.output.warning) lines.push(`Warning: ${task.output.warning}`);
  if (task.cost && task.cost.tokens.requests + task.cost.nodeMs > 0) lines.push(`Usage: ${formatUsageLine(task.cost)} (estimate)`);
  return lines;
}

/** `flotilla logs <taskId> [--follow]`: exit 0, or with --follow 0 when it completed and 1 otherwise. */
export async function logsCommand(taskId: string, options: ServerOptions & { follow?: boolean }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const task = await client.getTask(taskId);
    write(`Task ${task.id}: ${task.title}`);
    for (const event of task.events) write(eventLine(event));
    if (!task.chatSessionId) return 0;
    if (!options.follow) {
      for (const message of await client.allMessages(task.projectId, task.chatSessionId)) write(renderMessage(message));
      for (const line of describeOutcome(task)) write(line);
      return 0;
    }
    const final = await followTask(client, task.projectId, task.id, task.chatSessionId, {
      onStep: (step) => write(`… ${STEP_LABELS[step]}`),
      onMessage: (message) => write(renderMessage(message)),
    });
    const shown = new Set(task.events.map((e) => e.id));
    for (const event of final.events) if (!shown.has(event.id)) write(eventLine(event));
    for (const line of describeOutcome(final)) write(line);
    return final.status === 'completed' ? 0 : 1;
  });
}

/** `flotilla cancel <taskId>`. */
export async function cancelCommand(taskId: string, options: ServerOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const task = await client.getTask(taskId);
    const cancelled = await client.cancelTask(task.projectId, task.id);
    write(`Task ${cancelled.id} ${cancelled.status} (was ${task.status}); its workspace is kept.`);
    return 0;
  });
}

/** `flotilla retry <taskId>`. */
export async function retryCommand(taskId: string, options: ServerOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const task = await client.getTask(taskId);
    const retried = await client.retryTask(task.projectId, task.id);
    write(`Task ${retried.id} ${retried.status}: a new run in a fresh workspace (follow it with \`flotilla logs ${retried.id} --follow\`).`);
    return 0;
  });
}

/** `flotilla prompt <sessionId> "<text>"`: the session is looked up in every project. */
export async function promptCommand(sessionId: string, text: string, options: ServerOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    for (const project of await client.listProjects()) {
      const sessions = await client.listSessions(project.id);
      if (!sessions.some((s) => s.id === sessionId)) continue;
      const answer = await client.sendFollowUpPrompt(project.id, sessionId, text);
      write(`Prompt ${answer.messageId} ${answer.delivery}.`);
      return 0;
    }
    process.stderr.write(`flotilla: chat session ${sessionId} not found\n`);
    return 1;
  });
}
