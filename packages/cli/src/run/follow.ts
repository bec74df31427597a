/**
 * Follow a task until it ends. Both come over the project's WebSocket as they happen: chat
 * messages (resuming from the last sequence number after a drop, with an HTTP catch-up at the end
 * so nothing is missed) and `task.updated` events, each of which has the task read again for its
 * execution step and status. A slow poll of the task is the fallback when an event is missed.
 */
import { EXECUTION_STEPS, ProjectEvent, TERMINAL_TASK_STATUSES, type ChatMessage, type ExecutionStep, type TaskWithEvents } from '@flotilla/contracts';
import WebSocket from 'ws';
import type { FlotillaClient } from '@flotilla/api-client';

/** How often the task is read while the WebSocket is not open (ms). */
const SOCKETLESS_POLL_MS = 500;

export interface FollowHandlers {
  onStep(step: ExecutionStep, previous: ExecutionStep | null): void;
  onMessage(message: ChatMessage): void;
}

export interface FollowOptions {
  /** How often the task is read without an event while the WebSocket is open, in ms (default 5000: a fallback). */
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
  // A `task.updated` event for this task: read it now instead of at the next poll.
  let changed = false;
  let live = false;
  let wake: (() => void) | null = null;
  const taskChanged = () => {
    changed = true;
    wake?.();
  };
  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(client.sessionsSocketUrl(projectId, sessionId, lastSeq), { headers: client.authHeaders() });
    socket = ws;
    // Events start now: read the task once more for anything that happened before.
    ws.on('open', () => {
      live = true;
      taskChanged();
    });
    ws.on('message', (data) => {
      const parsed = ProjectEvent.safeParse(JSON.parse(String(data)));
      if (parsed.success && parsed.data.type === 'task.updated' && parsed.data.task.id === taskId) taskChanged();
      if (!parsed.success || parsed.data.type !== 'messages.new' || parsed.data.sessionId !== sessionId) return;
      // A gap means a broadcast was missed: fill it over HTTP instead.
      const first = parsed.data.messages[0];
      if (first && first.seq > lastSeq + 1) void catchUp().catch(() => undefined);
      else deliver(parsed.data.messages);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      live = false;
      if (!stopped) setTimeout(connect, 500);
    });
  };
  connect();

  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  let step: ExecutionStep | null = null;
  try {
    for (;;) {
      changed = false;
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
      if (!changed) {
        await new Promise<void>((resolve) => {
          // Without the socket (not open yet, or dropped), poll as before events existed.
          const timer = setTimeout(resolve, live ? (options.pollIntervalMs ?? 5_000) : SOCKETLESS_POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  } finally {
    stopped = true;
    (socket as WebSocket | null)?.close();
  }
}
