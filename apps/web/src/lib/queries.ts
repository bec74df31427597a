/**
 * TanStack Query keys and hooks over {@link api}. Messages of a session live in the cache as
 * one ordered array per session; the project WebSocket (project-socket.ts) appends to it. The
 * drafts of a session (messages still being written) live beside them, only from the socket.
 */
import type { ChatDraft, ChatMessage, CreateTaskRequest } from '@flotilla/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError } from './api';

export const keys = {
  /** The browser's sign-in state (`GET /api/session`); not the agents' chat sessions. */
  apiSession: ['api-session'] as const,
  projects: ['projects'] as const,
  project: (projectId: string) => ['project', projectId] as const,
  sessions: (projectId: string) => ['sessions', projectId] as const,
  messages: (projectId: string, sessionId: string) => ['messages', projectId, sessionId] as const,
  drafts: (projectId: string, sessionId: string) => ['drafts', projectId, sessionId] as const,
  tasks: (projectId: string) => ['tasks', projectId] as const,
  task: (projectId: string, taskId: string) => ['task', projectId, taskId] as const,
  credentials: ['credentials'] as const,
  agents: ['agents'] as const,
  nodes: ['nodes'] as const,
  workspace: (projectId: string, workspaceId: string) => ['workspace', projectId, workspaceId] as const,
};

/**
 * While a task is in flight its row changes with every step. The project WebSocket pushes each
 * change (`task.updated`, project-socket.ts); this poll is the fallback for a missed event.
 */
const ACTIVE_POLL_MS = 3_000;
/** A workspace made by hand has no task events: its set-up is polled (ms). */
const WORKSPACE_SETUP_POLL_MS = 1_000;

/** Whether the API requires its token and whether this browser is signed in. */
export const apiSessionQuery = () => queryOptions({ queryKey: keys.apiSession, queryFn: () => api.getSession(), staleTime: Infinity });
export const useApiSession = () => useQuery(apiSessionQuery());

/**
 * Every agent type with whether it is ready and what it misses (`GET /api/agents`). Refreshed
 * when the credentials change (the agent keys form invalidates it) and when the window regains
 * focus; a server without the route leaves `data` undefined (the pickers then list the catalog).
 */
export const useAgents = () => useQuery({ queryKey: keys.agents, queryFn: () => api.listAgents(), retry: false, staleTime: 30_000 });

export const useProjects = () => useQuery({ queryKey: keys.projects, queryFn: () => api.listProjects() });

/**
 * Answers count as fresh for this long (ms): what the start-up prefetch fetched (lib/prefetch.ts)
 * is not fetched again when the view mounts a moment later. Changes still invalidate them at once.
 */
const FIRST_SCREEN_STALE_MS = 5_000;

/** The project; an unknown one (404) is not retried, so its "not found" page shows as soon as the API answers. */
export const projectQuery = (projectId: string) =>
  queryOptions({
    queryKey: keys.project(projectId),
    queryFn: () => api.getProject(projectId),
    staleTime: FIRST_SCREEN_STALE_MS,
    retry: (failures, error) => failures < 1 && !(error instanceof ApiError && (error.notFound || error.status === 401)),
  });
export const useProject = (projectId: string) => useQuery(projectQuery(projectId));

export const sessionsQuery = (projectId: string) =>
  queryOptions({ queryKey: keys.sessions(projectId), queryFn: () => api.listSessions(projectId), refetchInterval: 5_000, staleTime: FIRST_SCREEN_STALE_MS });
export const useSessions = (projectId: string) => useQuery(sessionsQuery(projectId));

export function useTasks(projectId: string) {
  return useQuery({
    queryKey: keys.tasks(projectId),
    queryFn: () => api.listTasks(projectId),
    refetchInterval: (query) => (query.state.data?.some((t) => isInFlight(t.status)) ? ACTIVE_POLL_MS : 5_000),
  });
}

export function useTask(projectId: string, taskId: string | null) {
  return useQuery({
    queryKey: keys.task(projectId, taskId ?? ''),
    queryFn: () => api.getTask(taskId ?? ''),
    enabled: taskId !== null,
    refetchInterval: (query) => (query.state.data && !isInFlight(query.state.data.status) ? false : ACTIVE_POLL_MS),
  });
}

export function isInFlight(status: string): boolean {
  return status === 'queued' || status === 'delegated' || status === 'in_progress';
}

/**
 * How many of a session's newest messages are fetched first; older ones are fetched a page of
 * this size at a time when the reader asks for them ({@link useLoadOlderMessages}).
 */
export const MESSAGES_PAGE_SIZE = 200;

/**
 * A session's messages, newest page first (the WebSocket keeps it current after, from the last
 * cached `seq`). Sequence numbers of a session start at 1 and have no gaps, so the cached list
 * has older messages before it exactly when its first `seq` is above 1 ({@link hasOlderMessages}).
 */
export const messagesQuery = (projectId: string, sessionId: string) =>
  queryOptions({
    queryKey: keys.messages(projectId, sessionId),
    staleTime: Infinity,
    queryFn: async (): Promise<ChatMessage[]> => (await api.listMessagesBefore(projectId, sessionId, undefined, MESSAGES_PAGE_SIZE)).messages,
  });

export function useMessages(projectId: string, sessionId: string | null) {
  return useQuery({ ...messagesQuery(projectId, sessionId ?? ''), enabled: sessionId !== null });
}

/** Whether messages older than the cached ones exist (see {@link messagesQuery}). */
export function hasOlderMessages(messages: readonly ChatMessage[] | undefined): boolean {
  return (messages?.[0]?.seq ?? 1) > 1;
}

/** Fetch the page of messages before the oldest cached one and put it in front of them. */
export function useLoadOlderMessages(projectId: string, sessionId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const key = keys.messages(projectId, sessionId ?? '');
      const first = queryClient.getQueryData<ChatMessage[]>(key)?.[0]?.seq;
      if (first === undefined || first <= 1) return;
      const page = await api.listMessagesBefore(projectId, sessionId ?? '', first, MESSAGES_PAGE_SIZE);
      queryClient.setQueryData<ChatMessage[]>(key, (current = []) => {
        const oldest = current[0]?.seq ?? Infinity;
        return [...page.messages.filter((m) => m.seq < oldest), ...current];
      });
    },
  });
}

/** Merge messages into a session's cached list: by seq, without duplicates, in order. */
export function mergeMessages(queryClient: QueryClient, projectId: string, sessionId: string, incoming: ChatMessage[]): void {
  queryClient.setQueryData<ChatMessage[]>(keys.messages(projectId, sessionId), (current) => {
    if (!current) return undefined;
    const lastSeq = current.at(-1)?.seq ?? 0;
    const fresh = incoming.filter((m) => m.seq > lastSeq);
    if (fresh.length === 0) return current;
    const seen = new Set(current.map((m) => m.seq));
    return [...current, ...fresh.filter((m) => !seen.has(m.seq))].sort((a, b) => a.seq - b.seq);
  });
}

/** The drafts of a session, as the WebSocket brought them (never fetched). */
export function useDrafts(projectId: string, sessionId: string | null) {
  return useQuery<ChatDraft[]>({
    queryKey: keys.drafts(projectId, sessionId ?? ''),
    queryFn: () => [],
    enabled: false,
    initialData: [],
    staleTime: Infinity,
  });
}

/** Put a draft into its session's cache, replacing the earlier draft of its message. */
export function mergeDraft(queryClient: QueryClient, projectId: string, draft: ChatDraft): void {
  const stored = queryClient.getQueryData<ChatMessage[]>(keys.messages(projectId, draft.sessionId));
  if (stored?.some((m) => m.messageId === draft.messageId)) return;
  queryClient.setQueryData<ChatDraft[]>(keys.drafts(projectId, draft.sessionId), (current = []) =>
    current.some((d) => d.messageId === draft.messageId) ? current.map((d) => (d.messageId === draft.messageId ? draft : d)) : [...current, draft],
  );
}

/** Forget the drafts that became these stored messages. */
export function dropDrafts(queryClient: QueryClient, projectId: string, sessionId: string, stored: ChatMessage[]): void {
  const ids = new Set(stored.map((m) => m.messageId));
  queryClient.setQueryData<ChatDraft[]>(keys.drafts(projectId, sessionId), (current) => (current?.some((d) => ids.has(d.messageId)) ? current.filter((d) => !ids.has(d.messageId)) : current));
}

export function useCreateTask(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTaskRequest) => api.createTask(projectId, input),
    onSuccess: () => invalidateProject(queryClient, projectId),
  });
}

export function invalidateProject(queryClient: QueryClient, projectId: string): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.tasks(projectId) }),
    queryClient.invalidateQueries({ queryKey: keys.sessions(projectId) }),
  ]).then(() => undefined);
}

/**
 * A workspace created by hand, polled while it is being set up or stopped. `data` stays
 * undefined for a task's workspace (the route answers 404 for those): not an error here.
 */
export function useManualWorkspace(projectId: string, workspaceId: string) {
  return useQuery({
    queryKey: keys.workspace(projectId, workspaceId),
    queryFn: () => api.getWorkspace(projectId, workspaceId).catch((error: unknown) => (error instanceof ApiError && error.status === 404 ? null : Promise.reject(error))),
    retry: false,
    refetchInterval: (query) => (query.state.data && (query.state.data.status === 'creating' || query.state.data.status === 'stopping') ? WORKSPACE_SETUP_POLL_MS : false),
  });
}
