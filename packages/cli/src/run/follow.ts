/**
 * Follow a task until it ends: execution steps from polling the task, chat messages live from
 * the project's WebSocket (resuming from the last sequence number after a drop), with an HTTP
 * catch-up at the end so nothing is missed.
 */
import { EXECUTION_STEPS, ProjectEvent, TERMINAL_TASK_STATUSES, type ChatMessage, type ExecutionStep, type TaskWithEvents } from '@flotilla/contracts';
import WebSocket from 'ws';
import type { FlotillaClient } from '../api-client.js';

export interface FollowHandlers {
  onStep(step: ExecutionStep, previous: ExecutionStep | null): void;
  onMessage(message: ChatMessage): void;
}

export interface FollowOptions {
  /** How often the task is polled, in ms (default 500). */
  pollIntervalMs?: number;
  /** Give up after this long, in ms (default: never). */
  timeoutMs?: number;
}

export async function followTask(
  client: FlotillaClient,
  projectId: string,
  taskId: string,
  sessionId: string,
  handlers: FollowHandlers,
  options: FollowOptions = {},
): Promise<TaskWithEvents> {
  let lastSeq = 0;
  const deliver = (messages: readonly ChatMessage[]) => {
    for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
      if (message.seq <= lastSeq) continue;
      lastSeq = message.seq;
      handlers.onMessage(message);
    }
  };
  const catchUp = async () => {
    for (;;) {
      const page = await client.listMessages(projectId, sessionId, lastSeq, 500);
      deliver(page.messages);
      if (!page.hasMore) return;
    }
  };

  let socket: WebSocket | null = null;
  let stopped = false;
  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(client.sessionsSocketUrl(projectId, sessionId, lastSeq), { headers: client.authHeaders() });
    socket = ws;
    ws.on('message', (data) => {
      const parsed = ProjectEvent.safeParse(JSON.parse(String(data)));
      if (!parsed.success || parsed.data.type !== 'messages.new' || parsed.data.sessionId !== sessionId) return;
      // A gap means a broadcast was missed: fill it over HTTP instead.
      const first = parsed.data.messages[0];
      if (first && first.seq > lastSeq + 1) void catchUp().catch(() => undefined);
      else deliver(parsed.data.messages);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (!stopped) setTimeout(connect, 500);
    });
  };
  connect();

  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  let step: ExecutionStep | null = null;
  try {
    for (;;) {
      const task = await client.getTask(taskId);
      if (task.executionStep && task.executionStep !== step) {
        // Steps only move forward; report the ones that passed between two polls too.
        const from: number = step ? EXECUTION_STEPS.indexOf(step) + 1 : 0;
        const passed: ExecutionStep[] = EXECUTION_STEPS.slice(from, EXECUTION_STEPS.indexOf(task.executionStep) + 1);
        for (const next of passed) {
          handlers.onStep(next, step);
          step = next;
        }
      }
      if (TERMINAL_TASK_STATUSES.includes(task.status)) {
        await catchUp();
        return task;
      }
      if (Date.now() > deadline) throw new Error(`task ${taskId} did not finish within ${options.timeoutMs} ms (status ${task.status})`);
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 500));
    }
  } finally {
    stopped = true;
    (socket as WebSocket | null)?.close();
  }
}
