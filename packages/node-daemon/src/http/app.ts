/**
 * The daemon's HTTP API: the `nodeDaemonApi` route table (contracts routes/node-daemon-api.ts)
 * served with the kit's `registerRoutes` — `/health` public, every other route behind the
 * node-management token (auth.ts); params, query and bodies validated against the table, bodies
 * limited to the route's size; refusals as `{error:{code,message}}` (kit `errorHandler`, which
 * reads a refused body out before answering). The table's two WebSocket routes are served on the
 * server's upgrades (upgrades.ts), not here.
 */
import { nodeDaemonApi } from '@flotilla/contracts';
import type { Logger } from '@flotilla/kit';
import { errorHandler, notFoundHandler, registerRoutes } from '@flotilla/kit/hono';
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import type { AgentSessionService } from '../agents/session/agent-session-service.js';
import type { HotAgentService } from '../hot-agents/hot-agent-service.js';
import type { WarmAgentService } from '../hot-agents/warm-agent-service.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { requireNodeManagementToken } from './auth.js';
import { agentSessionHandlers } from './routes/agent-sessions.js';
import { healthHandlers } from './routes/health.js';
import { hotAgentHandlers, warmAgentHandlers } from './routes/hot-agents.js';
import { workspaceHandlers } from './routes/workspaces.js';

export interface DaemonAppDeps {
  nodeId: string;
  version: string;
  /** Verification keys of management tokens (auth.ts `controlPlaneKeys`). */
  keys: JWTVerifyGetKey;
  workspaces: WorkspaceService;
  agentSessions: AgentSessionService;
  hotAgents: HotAgentService;
  warmAgents: WarmAgentService;
  logger: Logger;
}

/** Build the app. Pure wiring: no I/O until a request arrives. */
export function createDaemonApp(deps: DaemonAppDeps): Hono {
  const logger = deps.logger.child({ component: 'http' });
  const app = new Hono();
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);
  registerRoutes(
    app,
    nodeDaemonApi,
    {
      ...healthHandlers({ nodeId: deps.nodeId, version: deps.version }),
      ...workspaceHandlers(deps.workspaces),
      ...agentSessionHandlers(deps.agentSessions),
      ...hotAgentHandlers(deps.hotAgents),
      ...warmAgentHandlers(deps.warmAgents),
    },
    { auth: { nodeManagement: requireNodeManagementToken({ keys: deps.keys, nodeId: deps.nodeId, logger }) } },
  );
  return app;
}
