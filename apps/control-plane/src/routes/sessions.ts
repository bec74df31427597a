/** Chat sessions of a project: `/api/projects/:projectId/sessions…` (read side, and live WebSocket). */
import { ListMessagesQuery, type ChatMessage, type ListMessagesResponse, type TaskStatus } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { notFound } from '../lib/errors.js';
import { parseWith } from '../lib/validation.js';
import { projectData } from '../services/task-submission.js';
import { requireProject } from './projects.js';

export const sessionsRoutes = new Hono<AppEnv>()
  /** Sessions newest first, each with its task's title and status when it has a task. */
  .get('/', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    await requireProject(c.env.DB, projectId);
    const sessions = await projectData(c.env, projectId).listSessions(projectId);
    const taskIds = sessions.map((s) => s.taskId).filter((id): id is string => id !== null);
    const tasks = new Map<string, { title: string; status: TaskStatus }>();
    if (taskIds.length > 0) {
      const { results } = await c.env.DB.prepare(`SELECT id, title, status FROM tasks WHERE id IN (${taskIds.map(() => '?').join(',')})`)
        .bind(...taskIds)
        .all<{ id: string; title: string; status: TaskStatus }>();
      for (const row of results) tasks.set(row.id, row);
    }
    return c.json({
      sessions: sessions.map((s) => ({ ...s, task: s.taskId ? (tasks.get(s.taskId) ?? null) : null })),
    });
  })
  /**
   * Live events of the project (WebSocket). `?sessionId=&after=<seq>` first replays that
   * session's messages after `after`, so a reconnecting viewer misses nothing.
   */
  .get('/ws', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    await requireProject(c.env.DB, projectId);
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw notFound('expected a WebSocket upgrade');
    return projectData(c.env, projectId).fetch(c.req.raw);
  })
  .get('/:sessionId', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    await requireProject(c.env.DB, projectId);
    const session = await projectData(c.env, projectId).getSession(projectId, c.req.param('sessionId'));
    if (!session) throw notFound(`chat session ${c.req.param('sessionId')} not found`);
    return c.json(session);
  })
  /** Messages of a session in sequence order: `?after=<seq>&limit=<n>` (default 0, 200; max 1000). */
  .get('/:sessionId/messages', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    await requireProject(c.env.DB, projectId);
    const { after, limit } = parseWith(ListMessagesQuery, c.req.query());
    const data = projectData(c.env, projectId);
    const sessionId = c.req.param('sessionId');
    if (!(await data.getSession(projectId, sessionId))) throw notFound(`chat session ${sessionId} not found`);
    // RPC typing cannot see through `unknown` fields (tool rawInput); the DO returns ChatMessage[].
    const page = (await data.listMessages(sessionId, after, limit + 1)) as unknown as ChatMessage[];
    const messages = page.slice(0, limit);
    const body: ListMessagesResponse = {
      messages,
      nextAfter: messages.at(-1)?.seq ?? after,
      hasMore: page.length > limit,
    };
    return c.json(body);
  });
