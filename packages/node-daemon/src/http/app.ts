/**
 * The daemon's HTTP API as a Hono app: `/health` open, every other route behind the
 * `node-management` token (auth.ts). Errors are `{error:{code,message}}` (errors.ts).
 */
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import type { AgentSessionService } from '../agents/agent-session-service.js';
import type { Logger } from '@flotilla/kit';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { requireNodeManagementToken } from './auth.js';
import { errorHandler, notFoundHandler } from '@flotilla/kit/hono';
import { agentSessionRoutes } from './routes/agent-sessions.js';
import { healthRoutes } from './routes/health.js';
import { workspaceRoutes } from './routes/workspaces.js';

export interface DaemonAppDeps {
  nodeId: string;
  version: string;
  /** Verification keys of management tokens (auth.ts `controlPlaneKeys`). */
  keys: JWTVerifyGetKey;
  workspaces: WorkspaceService;
  agentSessions: AgentSessionService;
  logger: Logger;
}

/** Build the app. Pure wiring: no I/O until a request arrives. */
export function createDaemonApp(deps: DaemonAppDeps): Hono {
  const logger = deps.logger.child({ component: 'http' });
  const app = new Hono();
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);
  app.route('/', healthRoutes({ nodeId: deps.nodeId, version: deps.version }));

  const authed = new Hono();
  authed.use('*', requireNodeManagementToken({ keys: deps.keys, nodeId: deps.nodeId, logger }));
  authed.route('/', workspaceRoutes(deps.workspaces));
  authed.route('/', agentSessionRoutes(deps.agentSessions));
  app.route('/', authed);
  return app;
}
