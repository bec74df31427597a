/**
 * Handlers of the chat routes of the public API (contracts `publicApi`): a project's chat
 * sessions (newest first, each with its task's title and status), one session, its messages page
 * by page, and the project's live WebSocket, whose upgrade ProjectData takes.
 */
import { notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { depsFromEnv } from '../deps.js';
import { principalOf } from '../auth/principal.js';
import { requireProject } from '../projects/projects.js';
import { VIEWER_USER_HEADER } from './project-data-rpc.js';
import { taskSummaries } from '../tasks/repository.js';

export const chatHandlers: PublicHandlers<'listSessions' | 'projectEvents' | 'getChatSession' | 'listMessages'> = {
  listSessions: async ({ params }, c) => {
    const { db, stubs } = depsFromEnv(c.env);
    await requireProject(db, params.projectId);
    const sessions = await stubs.projectData(params.projectId).listSessions(params.projectId);
    const tasks = await taskSummaries(db, sessions.map((s) => s.taskId).filter((id): id is string => id !== null));
    return { sessions: sessions.map((s) => ({ ...s, task: s.taskId ? (tasks.get(s.taskId) ?? null) : null })) };
  },

  /**
   * Live events of the project (WebSocket). `?sessionId=&after=<seq>` first replays that
   * session's messages after `after`, so a reconnecting viewer misses nothing.
   */
  projectEvents: async ({ params }, c) => {
    const { db, stubs } = depsFromEnv(c.env);
    await requireProject(db, params.projectId);
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw notFound('expected a WebSocket upgrade');
    // The socket is tagged with its user, so that removing them from the project closes it: the
    // header is set here only, replacing any copy from the client.
    const request = new Request(c.req.raw);
    request.headers.set(VIEWER_USER_HEADER, principalOf(c.get('principal'), 'user').userId);
    return stubs.projectData(params.projectId).fetch(request);
  },

  getChatSession: async ({ params }, c) => {
    const { db, stubs } = depsFromEnv(c.env);
    await requireProject(db, params.projectId);
    const session = await stubs.projectData(params.projectId).getSession(params.projectId, params.sessionId);
    if (!session) throw notFound(`chat session ${params.sessionId} not found`);
    return session;
  },

  /**
   * Messages of a session in sequence order: `?after=<seq>&limit=<n>` (default 0, 200; max 1000),
   * or `?before=<seq>&limit=<n>`, the newest `n` below `seq` (contracts ListMessagesQuery).
   * @throws 404 when the project or session does not exist
   */
  listMessages: async ({ params, query }, c) => {
    const { db, stubs } = depsFromEnv(c.env);
    await requireProject(db, params.projectId);
    const data = stubs.projectData(params.projectId);
    const session = await data.getSession(params.projectId, params.sessionId);
    if (!session) throw notFound(`chat session ${params.sessionId} not found`);
    if (query.before !== undefined) {
      const page = await data.listMessagesBefore(params.sessionId, query.before, query.limit + 1);
      const messages = page.slice(-query.limit);
      const last = messages.at(-1)?.seq ?? Math.min(query.before - 1, session.lastSeq);
      return { messages, nextAfter: last, hasMore: last < session.lastSeq, hasOlder: page.length > query.limit };
    }
    const page = await data.listMessages(params.sessionId, query.after, query.limit + 1);
    const messages = page.slice(0, query.limit);
    return { messages, nextAfter: messages.at(-1)?.seq ?? query.after, hasMore: page.length > query.limit, hasOlder: query.after > 0 };
  },
};
