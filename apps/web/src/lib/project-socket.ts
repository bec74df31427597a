/**
 * The project's live events over the ProjectData WebSocket
 * (`GET /api/projects/:projectId/sessions/ws?sessionId=&after=`).
 *
 * The socket opens once the selected session's messages are in the cache, asking for everything
 * after the last cached `seq`; the server replays that backlog, then sends live events. On a
 * drop it reconnects with backoff, again from the last cached `seq`, so nothing is lost and
 * nothing is shown twice (mergeMessages ignores what it already has). `message.draft` events
 * show a message as far as its agent has written it, until the message itself arrives (same
 * `messageId`) and replaces it. `task.updated` events put
 * a task's new status and step into the cache as they happen (the task queries only poll slowly
 * as a fallback; a variant of a task run on several agents refreshes its parent instead of
 * joining the board).
 */
import { ProjectEvent, type ChatMessage, type Task, type TaskWithEvents } from '@flotilla/contracts';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from './api';
import { createReconnector } from './backoff';
import { dropDrafts, keys, mergeDraft, mergeMessages } from './queries';
import type { SessionWithTask } from '@flotilla/contracts';

export type SocketState = 'connecting' | 'live' | 'offline';

const PING_INTERVAL_MS = 25_000;

function lastSeq(queryClient: QueryClient, projectId: string, sessionId: string): number {
  return queryClient.getQueryData<ChatMessage[]>(keys.messages(projectId, sessionId))?.at(-1)?.seq ?? 0;
}

function socketUrl(projectId: string, sessionId: string | null, after: number): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = sessionId ? `?sessionId=${encodeURIComponent(sessionId)}&after=${after}` : '';
  return `${scheme}//${window.location.host}/api/projects/${encodeURIComponent(projectId)}/sessions/ws${query}`;
}

/** Apply one event to the query cache. */
function applyEvent(queryClient: QueryClient, projectId: string, event: ProjectEvent): void {
  if (event.type === 'messages.new') {
    const have = lastSeq(queryClient, projectId, event.sessionId);
    const first = event.messages[0]?.seq ?? 0;
    if (first > have + 1 && queryClient.getQueryData(keys.messages(projectId, event.sessionId))) {
      // A gap (messages persisted while this viewer was away): fetch what is missing first.
      void api.listMessages(projectId, event.sessionId, have, 1000).then((page) => mergeMessages(queryClient, projectId, event.sessionId, page.messages));
    }
    mergeMessages(queryClient, projectId, event.sessionId, event.messages);
    dropDrafts(queryClient, projectId, event.sessionId, event.messages);
    return;
  }
  if (event.type === 'message.draft') {
    mergeDraft(queryClient, projectId, event.draft);
    return;
  }
  if (event.type === 'task.updated') {
    applyTask(queryClient, projectId, event.task);
    return;
  }
  const { session } = event;
  queryClient.setQueryData<SessionWithTask[]>(keys.sessions(projectId), (current) => {
    if (!current) return current;
    const existing = current.find((s) => s.id === session.id);
    if (!existing) return [{ ...session, task: null }, ...current];
    return current.map((s) => (s.id === session.id ? { ...s, ...session } : s));
  });
  void queryClient.invalidateQueries({ queryKey: keys.sessions(projectId) });
  void queryClient.invalidateQueries({ queryKey: keys.tasks(projectId) });
  if (session.taskId) void queryClient.invalidateQueries({ queryKey: keys.task(projectId, session.taskId) });
}

/** A task as the server pushed it: into the task list, the task itself, and its session's badge. */
function applyTask(queryClient: QueryClient, projectId: string, task: Task): void {
  // A variant of a task run on several agents is not on the board: its parent (announced with it) is.
  if (task.parentTaskId) void queryClient.invalidateQueries({ queryKey: keys.task(projectId, task.parentTaskId) });
  // A pushed task carries no `cost` (the reads compute it): the one shown stays until the next read.
  else queryClient.setQueryData<Task[]>(keys.tasks(projectId), (current) =>
    current ? (current.some((t) => t.id === task.id) ? current.map((t) => (t.id === task.id ? { cost: t.cost, ...task } : t)) : [task, ...current]) : current,
  );
  queryClient.setQueryData<TaskWithEvents>(keys.task(projectId, task.id), (current) => (current ? { ...current, ...task } : current));
  queryClient.setQueryData<SessionWithTask[]>(keys.sessions(projectId), (current) =>
    current?.map((s) => (s.taskId === task.id && s.task ? { ...s, task: { ...s.task, title: task.title, status: task.status } } : s)),
  );
  // Its status events (shown with the task) come with the next read.
  void queryClient.invalidateQueries({ queryKey: keys.task(projectId, task.id) });
}

/**
 * Keep the cache of `projectId` live. `sessionId` is the selected session (null: none);
 * `ready` is true once its messages are loaded (with no session: once the session list is).
 */
export function useProjectSocket(projectId: string, sessionId: string | null, ready: boolean): SocketState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SocketState>('connecting');

  useEffect(() => {
    if (!ready) return undefined;
    let socket: WebSocket | null = null;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    const reconnector = createReconnector(() => connect());

    const connect = () => {
      if (reconnector.stopped) return;
      setState('connecting');
      const after = sessionId ? lastSeq(queryClient, projectId, sessionId) : 0;
      const ws = new WebSocket(socketUrl(projectId, sessionId, after));
      socket = ws;
      ws.onopen = () => {
        reconnector.reset();
        setState('live');
        pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('ping'), PING_INTERVAL_MS);
      };
      ws.onmessage = (message) => {
        if (typeof message.data !== 'string' || message.data === 'pong') return;
        const parsed = ProjectEvent.safeParse(safeJson(message.data));
        if (parsed.success) applyEvent(queryClient, projectId, parsed.data);
      };
      ws.onclose = () => {
        clearInterval(pingTimer);
        if (reconnector.stopped) return;
        setState('offline');
        reconnector.retry();
      };
    };
    connect();

    return () => {
      reconnector.stop();
      clearInterval(pingTimer);
      socket?.close(1000, 'leaving');
    };
  }, [projectId, sessionId, ready, queryClient]);

  return state;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
