/**
 * The control plane's HTTP API (Hono), served from the route tables of contracts: `publicApi`
 * (the web app, the CLI, scripts) and `callbackApi` (node daemons, and the JWKS). Each domain
 * folder exports the handlers of its routes; they are combined here, so that a route without a
 * handler does not type-check. Before any route, the Host and Origin of browser requests are
 * checked and an unconfigured deployment refuses (503). Auth is attached per route by its auth
 * kind (`apiToken`, `nodeToken`, `workspaceToken`; `public` needs none); then params, query, the
 * media type (JSON or nothing: 415) and body are validated (kit `registerRoutes`; bodies with
 * their size limit, read to the end even when refused). Errors
 * are FlotillaErrors turned into `{"error":{"code","message"}}` in one place (kit `errorHandler`).
 */
import { callbackApi, publicApi, type CallbackApi, type PublicApi } from '@flotilla/contracts';
import { createLogger } from '@flotilla/kit';
import { checkRequestOrigin, errorHandler, notFoundHandler, registerRoutes, type RouteHandlers } from '@flotilla/kit/hono';
import { Hono } from 'hono';
import { agentHandlers } from './agents/routes.js';
import { auditHandlers } from './audit/routes.js';
import type { AppEnv } from './app-env.js';
import { checkApiToken } from './auth/api-token.js';
import { browserRequestRules } from './auth/browser-requests.js';
import { userSessionPrincipal } from './auth/user-sessions.js';
import { requireNodeToken, requireWorkspaceToken } from './auth/callback-auth.js';
import { requireConfiguredDeployment } from './auth/deployment.js';
import { jwksHandlers, sessionHandlers } from './auth/routes.js';
import { requireApiTokenAndAccess } from './members/access.js';
import { memberHandlers } from './members/routes.js';
import { apiTokenHandlers } from './auth/api-tokens.routes.js';
import { signInHandlers } from './auth/sign-in.routes.js';
import { userHandlers } from './auth/users.routes.js';
import { messageBatchHandlers } from './chat/messages.routes.js';
import { sessionArchiveHandlers } from './session-archives/routes.js';
import { promptHandlers } from './chat/prompt.routes.js';
import { chatHandlers } from './chat/routes.js';
import { costHandlers } from './costs/routes.js';
import { credentialHandlers } from './credentials/routes.js';
import { hotAgentHandlers } from './hot-agents/routes.js';
import { nodeCallbackHandlers } from './nodes/callbacks.routes.js';
import { daemonArtifactHandlers } from './nodes/daemon-artifact.routes.js';
import { nodeHandlers } from './nodes/routes.js';
import { permissionAnswerHandlers, permissionCallbackHandlers } from './notifications/permission.routes.js';
import { notificationHandlers } from './notifications/routes.js';
import { projectHandlers } from './projects/routes.js';
import { taskCallbackHandlers } from './tasks/callback.routes.js';
import { taskHandlers } from './tasks/routes.js';
import { triggerHandlers } from './triggers/routes.js';
import { taskDiffHandlers } from './tasks/diff.routes.js';
import { pullRequestHandlers } from './tasks/pull-request.routes.js';
import { workspaceReadyHandlers } from './workspaces/ready.routes.js';
import { workspaceHandlers } from './workspaces/routes.js';

const log = createLogger('http');
const onError = errorHandler(log);

const publicHandlers: RouteHandlers<PublicApi, AppEnv> = {
  health: () => ({ status: 'ok' }),
  ...sessionHandlers,
  ...signInHandlers,
  ...userHandlers,
  ...projectHandlers,
  ...taskHandlers,
  ...costHandlers,
  ...taskDiffHandlers,
  ...pullRequestHandlers,
  ...chatHandlers,
  ...promptHandlers,
  ...workspaceHandlers,
  ...nodeHandlers,
  ...daemonArtifactHandlers,
  ...credentialHandlers,
  ...agentHandlers,
  ...triggerHandlers,
  ...hotAgentHandlers,
  ...notificationHandlers,
  ...permissionAnswerHandlers,
  ...apiTokenHandlers,
  ...auditHandlers,
  ...memberHandlers,
};

const callbackHandlers: RouteHandlers<CallbackApi, AppEnv> = {
  ...jwksHandlers,
  ...nodeCallbackHandlers,
  ...workspaceReadyHandlers,
  ...messageBatchHandlers,
  ...taskCallbackHandlers,
  ...permissionCallbackHandlers,
  ...sessionArchiveHandlers,
};

export const app = new Hono<AppEnv>();

app.onError(onError);

// Before any route: browser requests only from this control plane's own pages and, in local
// mode, only to its own address (auth/browser-requests.ts); a deployment serves no API until
// its auth is configured (auth/deployment.ts).
app.use('*', checkRequestOrigin<AppEnv>(browserRequestRules));
app.use('*', requireConfiguredDeployment);

/**
 * No route: 404 — but under `/api/` a caller without the API token (when one is configured)
 * gets the 401 of any guarded route, so a closed API tells strangers nothing of its paths.
 */
app.notFound(async (c) => {
  try {
    if (new URL(c.req.url).pathname.startsWith('/api/') && !(await userSessionPrincipal(c))) await checkApiToken(c);
  } catch (error) {
    return onError(error as Error, c);
  }
  return notFoundHandler(c);
});

// `apiToken` routes: the caller (auth/api-token.ts), then what the route requires of them (members/access.ts).
registerRoutes(app, publicApi, publicHandlers, { auth: { apiToken: requireApiTokenAndAccess } });
registerRoutes(app, callbackApi, callbackHandlers, { auth: { nodeToken: requireNodeToken, workspaceToken: requireWorkspaceToken } });
