/**
 * The provider interface every cloud implements (DESIGN.md §1): a provider turns "I need a node"
 * into a machine running the node daemon. Fetch-based implementations run inside the Worker.
 */

/** What a new node needs to know; for a VM this goes into cloud-init. */
export interface CreateNodeInput {
  nodeId: string;
  /** URL the node daemon calls back to. */
  controlPlaneUrl: string;
  /** Callback JWT (audience `workspace-callback`, `sub` = node id). Never logged. */
  callbackToken: string;
  /** Provider-neutral size: small | medium | large. */
  size?: string;
  /** cloud-init user-data for a VM (built by @flotilla/cloud-init); the local provider needs none. */
  userData?: string;
}

export interface ProviderNode {
  nodeId: string;
  status: 'running' | 'stopped';
  /** The provider's own reference (server id, process id). */
  providerRef: string | null;
  /** The node's public IPv4 address when the provider knows it (a cloud server's), for its DNS name. */
  ipv4?: string | null;
}

export interface Provider {
  readonly name: string;
  /** Create the node; idempotent on `nodeId`. */
  createNode(input: CreateNodeInput): Promise<ProviderNode>;
  /** The node as the provider sees it, or null when it does not exist. */
  getNode(nodeId: string): Promise<ProviderNode | null>;
  /** Delete the node; deleting a node that does not exist succeeds. */
  deleteNode(nodeId: string): Promise<void>;
  /**
   * Every node this provider holds that Flotilla created (cloud providers: by label), so the
   * sweep can delete the ones the control plane no longer knows. Absent: nothing to reconcile.
   */
  listNodes?(): Promise<ListedNode[]>;
}

/** A node as a provider lists it. */
export interface ListedNode {
  nodeId: string;
  providerRef: string | null;
  /** When the provider created it (ISO 8601), when it says. */
  createdAt: string | null;
}

/** A provider call that failed; `transient` says whether trying again may help. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
