/**
 * The control plane's HTTP API (Hono): one router per resource, errors mapped in one place to
 * `{ "error": { "code", "message" } }`.
 */
import type { ErrorBody } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './app-env.js';
import { requireApiToken } from './auth/api-token.js';
import { publicJwks } from './auth/tokens.js';
import { HttpError } from './lib/errors.js';
import { createLogger, errorMessage } from './lib/logger.js';
import { nodeCallbackRoutes, taskCallbackRoutes, workspaceCallbackRoutes } from './routes/callbacks.js';
import { credentialsRoutes } from './routes/credentials.js';
import { manualWorkspaceRoutes } from './routes/manual-workspaces.js';
import { nodeDaemonRoutes } from './routes/node-daemon.js';
import { nodesRoutes } from './routes/nodes.js';
import { projectsRoutes } from './routes/projects.js';
import { sessionRoutes } from './routes/session.js';
import { sessionPromptRoutes } from './routes/session-prompts.js';
import { sessionsRoutes } from './routes/sessions.js';
import { projectTasksRoutes, tasksRoutes } from './routes/tasks.js';
import { workspaceViewerRoutes } from './routes/workspace-viewers.js';

const log = createLogger('http');

export const app = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'ok' }))
  .get('/.well-known/jwks.json', async (c) => c.json(await publicJwks(c.env.DB)))
  .use('/api/*', requireApiToken)
  .route('/api/session', sessionRoutes)
  .route('/api/projects', projectsRoutes)
  .route('/api/projects/:projectId/tasks', projectTasksRoutes)
  .route('/api/projects/:projectId/sessions', sessionsRoutes)
  .route('/api/projects/:projectId/sessions', sessionPromptRoutes)
  .route('/api/projects/:projectId/workspaces', workspaceViewerRoutes)
  .route('/api/projects/:projectId/workspaces', manualWorkspaceRoutes)
  .route('/api/tasks', tasksRoutes)
  .route('/api/tasks', taskCallbackRoutes)
  .route('/api/nodes', nodeCallbackRoutes)
  .route('/api/nodes', nodesRoutes)
  .route('/api/node-daemon', nodeDaemonRoutes)
  .route('/api/credentials', credentialsRoutes)
  .route('/api/workspaces', workspaceCallbackRoutes);

app.notFound((c) => {
  const body: ErrorBody = { error: { code: 'not_found', message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } };
  return c.json(body, 404);
});

app.onError((error, c) => {
  if (error instanceof HttpError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    return c.json(body, error.status as ContentfulStatusCode);
  }
  log.error('unhandled error', { method: c.req.method, path: new URL(c.req.url).pathname, error: errorMessage(error) });
  const body: ErrorBody = { error: { code: 'internal', message: 'internal error' } };
  return c.json(body, 500);
});
