/**
 * Starting an agent — the ONE function for it, used by a task's run (its `agent_session` step)
 * and by the first prompt to a workspace created by hand: build the start request, add the
 * user's stored key for the agent type (never logged, never in a run state; sent only to a node
 * over https or on loopback, credential-channel.ts), and
 * `POST {node}/workspaces/:wid/agent-sessions/:sid/start`, which starts the agent process and
 * delivers its first prompt (DESIGN.md §2). A 409 means an earlier attempt whose answer was lost
 * started it already — fine, unless the session is still only registered.
 */
import type { AgentSessionInfo, AgentType, PermissionPolicy, SessionLoadStart, StartAgentSessionRequest } from '@flotilla/contracts';
import { FlotillaError, errorMessage, permanentFailure, transientFailure } from '@flotilla/kit';
import { agentCredentialsFor } from '../credentials/agent-keys.js';
import type { Deps } from '../deps.js';
import { requireCredentialChannel } from '../nodes/credential-channel.js';
import { allowRefusal, nodeDaemonClient, type NodeTarget } from '../nodes/node-client.js';

/** What to start, where, for whom. */
export interface AgentStart {
  node: NodeTarget;
  workspaceId: string;
  /** A session registered on the node (`POST …/agent-sessions`) and not started yet. */
  agentSessionId: string;
  agentType: AgentType;
  /** The first prompt; stored already in the chat under `initialPromptMessageId` (the daemon's copy dedupes against it). */
  initialPrompt: string;
  initialPromptMessageId: string | null;
  /** The task it works on; null for a workspace created by hand. */
  taskId: string | null;
  taskTitle: string | null;
  permissionPolicy: PermissionPolicy;
  /** Whose stored agent key goes with it. */
  userId: string;
  /** A resumed task's archived ACP session to `session/load` (session-archives/); `initialPrompt` is then the fallback. */
  sessionLoad?: SessionLoadStart;
}

/**
 * Start the agent of a registered session with its first prompt.
 * @returns the agent session as the node daemon answered (or, after a 409, as it reports it)
 * @throws FlotillaError permanentFailure when the stored agent key cannot be decrypted;
 *   unavailable (503, not retryable) when there is a key and the node is on plain http off this
 *   machine; the
 *   daemon's refusal (retryable by the one rule); transientFailure when a 409 left the session
 *   only registered
 */
export async function startAgentSession(deps: Pick<Deps, 'db' | 'config'>, start: AgentStart): Promise<AgentSessionInfo> {
  const request: StartAgentSessionRequest = {
    agentType: start.agentType,
    initialPrompt: start.initialPrompt,
    ...(start.initialPromptMessageId ? { initialPromptMessageId: start.initialPromptMessageId } : {}),
    taskId: start.taskId,
    taskTitle: start.taskTitle,
    permissionPolicy: start.permissionPolicy,
    ...(start.sessionLoad ? { sessionLoad: start.sessionLoad } : {}),
  };
  const agentCredentials = await agentCredentialsFor(deps, start.userId, start.agentType).catch((error: unknown) => {
    throw permanentFailure(`the stored ${start.agentType} API key cannot be used (${errorMessage(error)}): store it again in the project settings`, error);
  });
  if (agentCredentials) {
    requireCredentialChannel(start.node, `the stored ${start.agentType} API key`);
    request.agentCredentials = agentCredentials;
  }
  const node = nodeDaemonClient(deps, start.node);
  const params = { workspaceId: start.workspaceId, agentSessionId: start.agentSessionId };
  const started = await allowRefusal(node.startAgentSession({ params, body: request }), [409]);
  if (!(started instanceof FlotillaError)) return started;
  const info = await node.getAgentSession({ params });
  if (info.status === 'registered') throw transientFailure(`agent session ${start.agentSessionId} is registered but did not start`);
  return info;
}
