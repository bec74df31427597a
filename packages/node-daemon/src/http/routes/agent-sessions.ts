/**
 * Agent session routes (contracts node.ts):
 * - `POST /workspaces/:workspaceId/agent-sessions` (`RegisterAgentSessionRequest`) → 201
 *   `AgentSessionInfo` (status `registered`). Registers only; starts nothing.
 * - `POST /workspaces/:workspaceId/agent-sessions/:agentSessionId/start`
 *   (`StartAgentSessionRequest`) → 202 `AgentSessionInfo` (status `starting`): starts the agent
 *   and delivers the initial prompt in the background. 404 unknown workspace/session; 409 already
 *   started or workspace not running.
 * - `GET /workspaces/:workspaceId/agent-sessions/:agentSessionId` → `AgentSessionInfo`.
 */
import { Hono } from 'hono';
import { RegisterAgentSessionRequest, StartAgentSessionRequest } from '@flotilla/contracts';
import type { AgentSessionService } from '../../agents/agent-session-service.js';
import { parseJsonBody } from '../errors.js';

export function agentSessionRoutes(agentSessions: AgentSessionService): Hono {
  return new Hono()
    .post('/workspaces/:workspaceId/agent-sessions', async (c) => {
      const request = await parseJsonBody(c, RegisterAgentSessionRequest);
      return c.json(agentSessions.registerAgentSession(c.req.param('workspaceId'), request), 201);
    })
    .post('/workspaces/:workspaceId/agent-sessions/:agentSessionId/start', async (c) => {
      const request = await parseJsonBody(c, StartAgentSessionRequest);
      const info = agentSessions.startAgentSession(c.req.param('workspaceId'), c.req.param('agentSessionId'), request);
      return c.json(info, 202);
    })
    .get('/workspaces/:workspaceId/agent-sessions/:agentSessionId', (c) =>
      c.json(agentSessions.getAgentSession(c.req.param('workspaceId'), c.req.param('agentSessionId'))),
    );
}
