/** A node as the public API shows it (`GET /api/nodes`, `GET /api/nodes/:nodeId`): its row, warm time left, and live workspaces. */
import { AgentType, type NodeInfo, type NodeSandbox, type ProviderName, type VmSize } from '@flotilla/contracts';
import type { Deps } from '../deps.js';
import { listLiveWorkspacesOfNode } from '../workspaces/repository.js';
import { toWorkspaceSummary } from '../workspaces/summary.js';
import { agentsOfNode, type NodeRow } from './repository.js';

/** Statuses in which a node can keep a warm agent: a destroyed (or failed) one keeps none, whatever its row still says. */
const WARM_AGENT_STATUSES: ReadonlyArray<NodeRow['status']> = ['provisioning', 'ready', 'warm'];

/** The public view of `row`; `warmUntil` is `warm_since` + NODE_WARM_TIMEOUT_MS while warm; `warmAgent` its warm agent's type (an unknown one: none). */
export async function toNodeInfo(deps: Pick<Deps, 'db' | 'config'>, row: NodeRow): Promise<NodeInfo> {
  const workspaces = (await listLiveWorkspacesOfNode(deps.db, row.id)).map(toWorkspaceSummary);
  const warmUntil = row.status === 'warm' && row.warm_since ? new Date(Date.parse(row.warm_since) + deps.config.NODE_WARM_TIMEOUT_MS).toISOString() : null;
  return {
    id: row.id,
    provider: row.provider as ProviderName,
    status: row.status,
    size: row.size as VmSize | null,
    machineType: row.machine_type,
    location: row.location,
    url: row.url,
    sandbox: row.sandbox as NodeSandbox | null,
    agents: agentsOfNode(row),
    warmAgent: WARM_AGENT_STATUSES.includes(row.status) ? (AgentType.safeParse(row.warm_agent_type).data ?? null) : null,
    autoProvisioned: row.auto_provisioned === 1,
    warmSince: row.warm_since,
    warmUntil,
    workspaceIds: workspaces.map((workspace) => workspace.workspaceId),
    workspaces,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
