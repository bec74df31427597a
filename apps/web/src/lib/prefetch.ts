/**
 * Start fetching what the first screen needs as soon as the script runs, before React renders:
 * the sign-in state, and on a project's chat the project, its sessions and the messages of the
 * shown session (the one in the URL, else the newest), all in parallel where they do not depend
 * on each other — not one after the other as the components mount. The same query options as the
 * components' hooks (lib/queries.ts), so the components find the answers in the cache. A failed
 * prefetch is left to the components' own queries (a 401 brings the sign-in page, as usual).
 */
import type { QueryClient } from '@tanstack/react-query';
import { api } from './api';
import { apiSessionQuery, messagesQuery, projectQuery, sessionsQuery } from './queries';

/** The project and chat session a path shows, when it shows a project's chat. */
export function chatRoute(pathname: string): { projectId: string; sessionId: string | null } | null {
  const match = /^\/projects\/([^/]+)(?:\/chat(?:\/([^/]+))?)?\/?$/.exec(pathname);
  if (!match?.[1]) return null;
  return { projectId: decodeURIComponent(match[1]), sessionId: match[2] ? decodeURIComponent(match[2]) : null };
}

/** Prefetch the first screen's data for `pathname` (see the module comment). Never throws. */
export function prefetchFirstScreen(queryClient: QueryClient, pathname: string): void {
  void queryClient.prefetchQuery(apiSessionQuery());
  const route = chatRoute(pathname);
  if (!route) return;
  const { projectId, sessionId } = route;
  void queryClient.prefetchQuery(projectQuery(projectId));
  if (sessionId) void queryClient.prefetchQuery(messagesQuery(projectId, sessionId));
  // The newest session's messages are asked for the moment its id is known — inside the sessions
  // query, before the list reaches the cache and React draws the sidebar from it.
  const sessions = sessionsQuery(projectId);
  void queryClient.prefetchQuery({
    ...sessions,
    queryFn: async () => {
      const list = await api.listSessions(projectId);
      const newest = list[0]?.id;
      if (!sessionId && newest) void queryClient.prefetchQuery(messagesQuery(projectId, newest));
      return list;
    },
  });
}
