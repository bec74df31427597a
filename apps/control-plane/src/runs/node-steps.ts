/**
 * The node half of a run, shared by a task's run and a workspace created by hand's:
 * `node_selection` (a warm node, a node with room, or a new one: nodes/selection.ts),
 * `node_provisioning` (the provider creates it, handing it its callback token) and
 * `node_agent_ready` (the daemon's ready callback), and the heartbeat watch of the steps that
 * wait on a node ("node lost").
 */
import { newId, type AgentType } from '@flotilla/contracts';
import { permanentFailure } from '@flotilla/kit';
import { signCallbackToken } from '../auth/tokens.js';
import { setting, type Config } from '../config.js';
import { credentialUserFor } from '../credentials/credential-user.js';
import { readDaemonManifest } from '../nodes/daemon-artifact.js';
import { registerNodeDnsRecord } from '../nodes/dns.js';
import { getProvider } from '../nodes/providers.js';
import { getNode } from '../nodes/repository.js';
import { effectiveVmSize, selectNode } from '../nodes/selection.js';
import { userDataForNode } from '../nodes/user-data.js';
import { warmAgentForNewNode } from '../hot-agents/warm-agents.js';
import { getProject } from '../projects/repository.js';
import { requireField, type RunStepContext, type StepOutcome } from './step.js';

/**
 * node_selection for a run's subject: `holderId` (a task id, or a manual workspace's id) holds
 * the node in its NodeLifecycle until the run releases it; `vmSize` null means the project's
 * default. A reused node skips provisioning. The node is of the user whose credentials the run
 * uses (credentials/credential-user.ts: the project's owner, or `creatorId`): only such a node is
 * reused, and a new one is theirs — every later step reads the credentials of its node's user.
 */
export async function selectNodeFor(
  { deps, state, log, remember }: RunStepContext,
  subject: { holderId: string; projectId: string; vmSize: string | null; creatorId: string | null },
): Promise<StepOutcome> {
  // Read side by side (the path is lean: issue 15).
  const [project, userId, manifest] = await Promise.all([
    getProject(deps.db, subject.projectId),
    credentialUserFor(deps.db, { projectId: subject.projectId, creatorId: subject.creatorId }),
    readDaemonManifest(deps.assets),
  ]);
  if (!project) throw permanentFailure(`project ${subject.projectId} no longer exists`);
  const candidateId = state.nodeId ?? newId('nod');
  if (!state.nodeId) await remember({ nodeId: candidateId });
  const requirements = {
    holderId: subject.holderId,
    userId,
    provider: project.defaultProvider,
    size: effectiveVmSize(subject.vmSize, project.defaultVmSize),
    daemonVersion: manifest?.version ?? null,
  };
  // A cloud provider without credentials fails the run now, saying what to configure.
  if (requirements.provider !== 'local') await getProvider(deps, requirements.provider, { userId: requirements.userId });
  const selection = await selectNode(deps, requirements, candidateId, log);
  log.info('node selected', { nodeId: selection.nodeId, how: selection.kind, size: requirements.size, provider: requirements.provider });
  return { kind: 'advance', to: selection.kind === 'new' ? 'node_provisioning' : 'node_agent_ready', patch: { nodeId: selection.nodeId } };
}

/**
 * node_provisioning for a run of project `projectId`: ask the node's provider for it, in its
 * size, handing it its callback token (a VM gets everything in its user-data, with the run's
 * chat session; a local node from the local cloud), then a cloud node's DNS name.
 */
export async function provisionNodeFor({ deps, state }: RunStepContext, subject: { projectId: string; chatSessionId: string | null; agentType?: AgentType }): Promise<StepOutcome> {
  const { db, config } = deps;
  const nodeId = requireField(state.nodeId, 'nodeId');
  const node = await getNode(db, nodeId);
  if (!node) throw permanentFailure(`node ${nodeId} was never registered`);
  const callbackToken = await signCallbackToken(deps, nodeId, config.CALLBACK_TOKEN_TTL_MS);
  const provider = await getProvider(deps, node.provider, { userId: node.user_id });
  const userData = node.provider === 'local' ? undefined : await userDataForNode(deps, { nodeId, callbackToken, projectId: subject.projectId, chatSessionId: subject.chatSessionId });
  // A local node starts the run's agent as its daemon announces itself (a warm agent, issue 15); a VM's user-data carries none.
  const warmAgent = node.provider === 'local' && subject.agentType ? await warmAgentForNewNode(deps, { id: nodeId, userId: node.user_id }, subject.agentType) : undefined;
  const created = await provider.createNode({ nodeId, controlPlaneUrl: setting(config.baseUrl), callbackToken, ...(node.size ? { size: node.size } : {}), ...(userData ? { userData } : {}), ...(warmAgent ? { warmAgent } : {}) });
  // A cloud node's DNS name, before its daemon can announce it (creating again is idempotent).
  if (node.provider !== 'local') await registerNodeDnsRecord(config, nodeId, created.ipv4);
  return { kind: 'advance', to: 'node_agent_ready' };
}

/** node_agent_ready: wait for the node daemon's ready callback (`POST /api/nodes/:id/ready`). */
export async function awaitNodeReady({ deps, state }: RunStepContext): Promise<StepOutcome> {
  const node = await getNode(deps.db, requireField(state.nodeId, 'nodeId'));
  if (node?.status === 'error') throw permanentFailure(`node ${node.id} failed: ${node.error ?? 'unknown error'}`);
  if (node?.status === 'ready' && node.url) return { kind: 'advance', to: 'workspace_creation' };
  return { kind: 'wait', ms: deps.config.STEP_POLL_INTERVAL_MS };
}

/** How often a waiting step looks at the node's last heartbeat (ms): a quarter of NODE_HEARTBEAT_TIMEOUT_MS, at least 250. */
export function heartbeatCheckIntervalMs(config: Config): number {
  return Math.max(250, Math.floor(config.NODE_HEARTBEAT_TIMEOUT_MS / 4));
}

/**
 * @throws FlotillaError permanentFailure "node lost …" when node `nodeId` has not sent a
 *   heartbeat (or its ready callback) for longer than NODE_HEARTBEAT_TIMEOUT_MS, or is gone.
 */
export async function failIfNodeLost(deps: { db: D1Database; config: Config }, nodeId: string): Promise<void> {
  const node = await getNode(deps.db, nodeId);
  if (!node || node.status === 'destroyed') throw permanentFailure(`node lost: node ${nodeId} no longer exists`);
  if (!node.last_heartbeat_at) return;
  const silentMs = Date.now() - Date.parse(node.last_heartbeat_at);
  const limitMs = deps.config.NODE_HEARTBEAT_TIMEOUT_MS;
  if (silentMs > limitMs) throw permanentFailure(`node lost: node ${nodeId} sent no heartbeat for ${silentMs} ms (limit NODE_HEARTBEAT_TIMEOUT_MS=${limitMs})`);
}
