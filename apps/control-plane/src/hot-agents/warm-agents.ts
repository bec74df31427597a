/**
 * Warm agents (issue 15, contracts warm-agents.ts): a node keeps at most one agent spawned ahead of
 * any task in an empty workspace shell, past ACP `initialize`, so that the next task of that agent
 * type on the node does not wait for its agent to load. The ids of its workspace and agent session
 * are on the node's row (migration 0023); the next task run on the node that wants an agent of
 * that type started with its checkout takes them ({@link takeWarmAgent}, one compare-and-set), and
 * its create-workspace request names them — the node fills the shell (the repository, the
 * project's egress allowlist) and the agent opens its session in the checkout.
 *
 * Where one comes from: a local node the control plane provisions gets one with its start
 * (FLOTILLA_WARM_AGENT, {@link warmAgentForNewNode}); a node a run leaves warm is asked for one
 * (`POST {node}/warm-agents`, {@link topUpWarmAgent}). Both carry exactly what the run's own early
 * agent would: the agent type, and the stored agent key of the node's user — a new node's daemon
 * gets no key at its start, so a user with a stored key gets no warm agent there.
 *
 * NODE_WARM_AGENTS=0 turns them off. A warm agent costs an idle agent process on a node that is
 * already kept (memory, no model tokens); it is not counted as a workspace.
 */
import { newId, type AgentType, type WarmAgentSpec } from '@flotilla/contracts';
import { errorMessage, type Logger } from '@flotilla/kit';
import { agentCredentialsFor, type CredentialDeps } from '../credentials/agent-keys.js';
import type { Deps } from '../deps.js';
import { isCredentialChannel } from '../nodes/credential-channel.js';
import { nodeDaemonClient } from '../nodes/node-client.js';
import { getNode } from '../nodes/repository.js';

interface WarmAgentColumns {
  warm_agent_type: string | null;
  warm_agent_workspace_id: string | null;
  warm_agent_session_id: string | null;
}

/** A new warm agent's ids, for `agentType`. */
function newWarmAgent(agentType: AgentType): WarmAgentSpec {
  return { workspaceId: newId('ws'), agentSessionId: newId('as'), agentType };
}

/** Record `spec` as node `nodeId`'s warm agent, unless it keeps one already. @returns whether it was recorded */
async function recordWarmAgent(db: D1Database, nodeId: string, spec: WarmAgentSpec): Promise<boolean> {
  const result = await db
    .prepare('UPDATE nodes SET warm_agent_type = ?, warm_agent_workspace_id = ?, warm_agent_session_id = ? WHERE id = ? AND warm_agent_workspace_id IS NULL')
    .bind(spec.agentType, spec.workspaceId, spec.agentSessionId, nodeId)
    .run();
  return result.meta.changes === 1;
}

/** Clear node `nodeId`'s warm agent when it is still `workspaceId`'s. @returns whether this call cleared it */
async function clearWarmAgent(db: D1Database, nodeId: string, workspaceId: string): Promise<boolean> {
  const result = await db
    .prepare('UPDATE nodes SET warm_agent_type = NULL, warm_agent_workspace_id = NULL, warm_agent_session_id = NULL WHERE id = ? AND warm_agent_workspace_id = ?')
    .bind(nodeId, workspaceId)
    .run();
  return result.meta.changes === 1;
}

/**
 * The warm agent a new local node starts with, for a run of `agentType` on the credentials of
 * `userId` (recorded on the node's row; the provider hands it to the daemon). None when warm agents
 * are off, or when the user has a stored key for the agent type (a daemon's start carries no key).
 */
export async function warmAgentForNewNode(deps: CredentialDeps & { config: Deps['config'] }, node: { id: string; userId: string }, agentType: AgentType): Promise<WarmAgentSpec | undefined> {
  if (deps.config.NODE_WARM_AGENTS < 1) return undefined;
  if (await agentCredentialsFor(deps, node.userId, agentType).catch(() => 'unusable')) return undefined;
  // A repeated provisioning attempt hands the node the warm agent the first one recorded.
  const recorded = await warmAgentOf(deps.db, node.id);
  if (recorded) return recorded.agentType === agentType ? recorded : undefined;
  const spec = newWarmAgent(agentType);
  return (await recordWarmAgent(deps.db, node.id, spec)) ? spec : undefined;
}

/** Node `nodeId`'s warm agent as its row records it, or null. */
async function warmAgentOf(db: D1Database, nodeId: string): Promise<WarmAgentSpec | null> {
  const row = await db.prepare('SELECT warm_agent_type, warm_agent_workspace_id, warm_agent_session_id FROM nodes WHERE id = ?').bind(nodeId).first<WarmAgentColumns>();
  if (!row?.warm_agent_workspace_id || !row.warm_agent_session_id || !row.warm_agent_type) return null;
  return { workspaceId: row.warm_agent_workspace_id, agentSessionId: row.warm_agent_session_id, agentType: row.warm_agent_type as AgentType };
}

/**
 * A run on node `nodeId` takes the node's warm agent of `agentType`: its workspace and agent
 * session ids are cleared from the row in one statement (exactly one run gets them).
 * @returns the ids the run's workspace and agent session take, or null when the node keeps none of that type
 */
export async function takeWarmAgent(db: D1Database, nodeId: string, agentType: AgentType): Promise<{ workspaceId: string; agentSessionId: string } | null> {
  const warm = await warmAgentOf(db, nodeId);
  if (warm?.agentType !== agentType) return null;
  return (await clearWarmAgent(db, nodeId, warm.workspaceId)) ? { workspaceId: warm.workspaceId, agentSessionId: warm.agentSessionId } : null;
}

/**
 * After a run of `agentType` ended on node `nodeId` and the node stays (ready or warm): when it
 * keeps no warm agent, record one and ask the node to prepare it, with the node user's stored
 * agent key when there is one (only over a credential channel, else none is prepared). Best
 * effort: a failure is logged and the record dropped, never thrown.
 */
export async function topUpWarmAgent(deps: Deps, at: { nodeId: string; agentType: AgentType }, log: Logger): Promise<void> {
  if (deps.config.NODE_WARM_AGENTS < 1) return;
  let spec: WarmAgentSpec | null = null;
  try {
    const node = await getNode(deps.db, at.nodeId);
    if (!node?.url || (node.status !== 'ready' && node.status !== 'warm')) return;
    const agentCredentials = await agentCredentialsFor(deps, node.user_id, at.agentType);
    if (agentCredentials && !isCredentialChannel(node.url)) return;
    const candidate = newWarmAgent(at.agentType);
    if (!(await recordWarmAgent(deps.db, node.id, candidate))) return;
    spec = candidate;
    await nodeDaemonClient(deps, { id: node.id, url: node.url }).prepareWarmAgent({ body: { ...spec, ...(agentCredentials ? { agentCredentials } : {}) } });
    log.info('warm agent prepared', { nodeId: node.id, agentType: at.agentType, workspaceId: spec.workspaceId });
  } catch (error) {
    if (spec) await clearWarmAgent(deps.db, at.nodeId, spec.workspaceId).catch(() => false);
    log.warn('warm agent not prepared', { nodeId: at.nodeId, agentType: at.agentType, error: errorMessage(error) });
  }
}
