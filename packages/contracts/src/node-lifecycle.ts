/**
 * Node lifecycle (issue 6, DESIGN.md §3 and §4): the state the NodeLifecycle Durable Object keeps
 * for one node, and the public view of nodes (`GET /api/nodes`).
 */
import * as z from 'zod';
import { AgentAvailability, AgentType } from './agents.js';
import { NodeSandbox, NodeStatus } from './node.js';
import { ProviderName, VmSize } from './settings.js';
import { WorkspaceSummary } from './workspace-summary.js';

/** NodeLifecycle's own state: `active` runs tasks, `warm` waits to be claimed, then `destroying` → `destroyed`. */
export const NodeLifecycleStatus = z.enum(['active', 'warm', 'destroying', 'destroyed']);
export type NodeLifecycleStatus = z.infer<typeof NodeLifecycleStatus>;

/** What `NodeLifecycle.getStatus()` answers. Times are ISO strings. */
export const NodeLifecycleState = z.object({
  nodeId: z.string().nullable(),
  status: NodeLifecycleStatus,
  /**
   * Who holds the node (at most NODE_MAX_WORKSPACES): the run of a task, by its task id
   * (`tsk_…`), or the run of a workspace created by hand, by its workspace id (`ws_…`). A run
   * holds its node from node selection until its cleanup.
   */
  holderIds: z.array(z.string()),
  /** The holder (task id or workspace id) that claimed the node out of the warm pool last, if any. */
  claimedBy: z.string().nullable(),
  warmSince: z.string().nullable(),
  /** When a warm node will be destroyed unless claimed. */
  warmUntil: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type NodeLifecycleState = z.infer<typeof NodeLifecycleState>;

/** One node as the public API shows it (`GET /api/nodes`, `GET /api/nodes/:nodeId`). */
export const NodeInfo = z.object({
  id: z.string(),
  provider: ProviderName,
  status: NodeStatus,
  /** The provider-neutral size provisioned, and the provider's machine type for it. */
  size: VmSize.nullable(),
  machineType: z.string().nullable(),
  location: z.string().nullable(),
  /** The URL its daemon announced (`https://<node>.<domain>:8443` with node DNS); null until it is ready. */
  url: z.string().nullable(),
  /** How its agents are contained (`none`: unsandboxed, the operator opted out); null until it is ready. */
  sandbox: NodeSandbox.nullable(),
  /** Which agents it can run, as its daemon announced (`NodeReadyRequest.agents`); null until announced (or an older daemon). */
  agents: z.array(AgentAvailability).nullable(),
  /**
   * The agent type of the warm agent the node keeps for its next task (issue 15: spawned and taken
   * past ACP `initialize` ahead of any task; the next task of that type on the node starts on it),
   * as asked of its daemon and not yet taken; null when it keeps none (taken, `NODE_WARM_AGENTS=0`,
   * or never asked). A warm agent that failed on the node shows until a task finds it unusable and
   * starts its own agent.
   */
  warmAgent: AgentType.nullable().default(null),
  autoProvisioned: z.boolean(),
  warmSince: z.string().nullable(),
  /** When a warm node will be destroyed unless a task claims it. */
  warmUntil: z.string().nullable(),
  /** Workspaces on the node that are not destroyed. */
  workspaceIds: z.array(z.string()),
  /** The same workspaces with their project, task or chat session, for the nodes page. */
  workspaces: z.array(WorkspaceSummary).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type NodeInfo = z.infer<typeof NodeInfo>;

export const NodeList = z.object({ nodes: z.array(NodeInfo) });
export type NodeList = z.infer<typeof NodeList>;

/** What one run of the node sweep did (`POST /api/nodes/sweep`, and the cron). */
export const NodeSweepResult = z.object({
  destroyed: z.array(z.object({ nodeId: z.string(), reason: z.enum(['warm_timeout', 'max_lifetime', 'outdated_daemon', 'orphaned']) })),
  failed: z.array(z.object({ nodeId: z.string(), error: z.string() })),
  /** DNS records of cloud nodes that were gone (node DNS, when configured). */
  dnsRecordsDeleted: z.array(z.object({ nodeId: z.string(), hostname: z.string() })),
});
export type NodeSweepResult = z.infer<typeof NodeSweepResult>;
