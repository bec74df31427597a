/**
 * Agent session routes (contracts node.ts):
 * - `POST /workspaces/:workspaceId/agent-sessions` (`RegisterAgentSessionRequest`) → 201
 *   `AgentSessionInfo` (status `registered`). Registers only; starts nothing.
 * - `POST /workspaces/:workspaceId/agent-sessions/:agentSessionId/start`
 *   (`StartAgentSessionRequest`) → 202 `AgentSessionInfo` (status `starting`): starts the agent
 *   and delivers the initial prompt in the background. 404 unknown workspace/session; 409 already
 *   started or workspace not running.
 * - `POST /workspaces/:workspaceId/agent-sessions/:agentSessionId/cancel` → 200 `AgentSessionInfo`
 *   once the agent is stopped: ACP `session/cancel`, then the process; the workspace stays.
 *   404 unknown workspace/session.
 * - `POST /workspaces/:workspaceId/agent-sessions/:agentSessionId/prompt`
 *   (`DeliverFollowUpPromptRequest` `{text, messageId}`) → 202 `FollowUpPromptDelivery`: the
 *   follow-up goes to the running agent now, or after its current turn; a `messageId` seen before
 *   answers `duplicate` and is not delivered again. 404 no agent runs; 409 the session ended.
 * - `GET /workspaces/:workspaceId/agent-sessions/:agentSessionId` → `AgentSessionInfo`.
 */
import { Hono } from 'hono';
import {
  DeliverFollowUpPromptRequest,
  RegisterAgentSessionRequest,
  StartAgentSessionRequest,
  type FollowUpPromptDelivery,
} from '@flotilla/contracts';
import type { AgentSessionService } from '../../agents/agent-session-service.js';
import { parseJsonBody } from '@flotilla/kit/hono';

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
    .post('/workspaces/:workspaceId/agent-sessions/:agentSessionId/cancel', async (c) =>
      c.json(await agentSessions.cancelAgentSession(c.req.param('workspaceId'), c.req.param('agentSessionId'))),
    )
    .post('/workspaces/:workspaceId/agent-sessions/:agentSessionId/prompt', async (c) => {
      const request = await parseJsonBody(c, DeliverFollowUpPromptRequest);
      const agentSessionId = c.req.param('agentSessionId');
      const accepted = agentSessions.deliverFollowUpPromptOnce(c.req.param('workspaceId'), agentSessionId, request.text, request.messageId);
      const body: FollowUpPromptDelivery = { agentSessionId, delivery: accepted.delivery };
      return c.json(body, 202);
    })
    .get('/workspaces/:workspaceId/agent-sessions/:agentSessionId', (c) =>
      c.json(agentSessions.getAgentSession(c.req.param('workspaceId'), c.req.param('agentSessionId'))),
    );
}
