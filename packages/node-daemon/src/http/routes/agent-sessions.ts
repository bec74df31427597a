/**
 * Agent session routes of `nodeDaemonApi` (node-management token):
 * - `registerAgentSession` `POST /workspaces/:workspaceId/agent-sessions` → 201
 *   `AgentSessionInfo` (status `registered`). Registers only; starts nothing.
 * - `startAgentSession` `POST …/agent-sessions/:agentSessionId/start` → 202 `AgentSessionInfo`
 *   (status `starting`): starts the agent and delivers the initial prompt in the background.
 *   404 unknown workspace/session; 409 already started or workspace not running.
 * - `cancelAgentSession` `POST …/cancel` → 200 `AgentSessionInfo` once the agent is stopped:
 *   ACP `session/cancel`, then the process; the workspace stays. 404 unknown workspace/session.
 * - `deliverPrompt` `POST …/prompt` `{text, messageId}` → 202 `FollowUpPromptDelivery`: the
 *   follow-up goes to the running agent now, or after its current turn; a `messageId` seen before
 *   answers `duplicate` and is not delivered again. 404 no agent runs; 409 the session ended.
 * - `getAgentSession` `GET …/agent-sessions/:agentSessionId` → `AgentSessionInfo`.
 * - `answerPermission` `POST /workspaces/:workspaceId/permission-requests/:requestId/answer`
 *   `{optionId}` → 204: the control plane relays a user's answer (a notification's Allow / Deny)
 *   to the workspace agent's open permission request. 404 no agent runs or the request is not
 *   open; 400 not one of its options.
 */
import { notFound } from '@flotilla/kit';
import type { AgentSessionService } from '../../agents/session/agent-session-service.js';
import type { DaemonRouteHandlers } from './handlers.js';

/** The agent session routes' handlers, over `agentSessions`. */
export function agentSessionHandlers(
  agentSessions: AgentSessionService,
): DaemonRouteHandlers<'registerAgentSession' | 'startAgentSession' | 'cancelAgentSession' | 'deliverPrompt' | 'getAgentSession' | 'answerPermission'> {
  return {
    registerAgentSession: ({ params, body }) => agentSessions.registerAgentSession(params.workspaceId, body),
    startAgentSession: ({ params, body }) => agentSessions.startAgentSession(params.workspaceId, params.agentSessionId, body),
    cancelAgentSession: ({ params }) => agentSessions.cancelAgentSession(params.workspaceId, params.agentSessionId),
    deliverPrompt: ({ params, body }) => {
      const accepted = agentSessions.deliverFollowUpPromptOnce(params.workspaceId, params.agentSessionId, body.text, body.messageId);
      return { agentSessionId: params.agentSessionId, delivery: accepted.delivery };
    },
    getAgentSession: ({ params }) => agentSessions.getAgentSession(params.workspaceId, params.agentSessionId),
    answerPermission: ({ params, body }) => {
      const live = agentSessions.liveSessionOf(params.workspaceId);
      if (!live) throw notFound(`no agent runs in workspace ${params.workspaceId}`);
      live.permissions.answer(params.requestId, body.optionId);
      return null;
    },
  };
}
