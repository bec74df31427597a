/**
 * The provider interface every cloud implements (DESIGN.md §1): a provider turns "I need a node"
 * into a machine running the node daemon. Fetch-based implementations run inside the Worker.
 */
import { STATUS_BY_CODE, type ErrorCode, type LocalCloudRemoteRefs, type WarmAgentSpec } from '@flotilla/contracts';
import { FlotillaError, type FailureCode } from '@flotilla/kit';

/**
 * What a deployment id may be (cloud servers are labelled with it, so the orphan sweep of one
 * deployment never touches another's): 1–63 of `A-Za-z0-9._-`, starting and ending with a letter
 * or digit — a label value Hetzner (and Kubernetes-style labels generally) accept.
 */
export const DEPLOYMENT_ID_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

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
  /**
   * A warm agent for the daemon to prepare as it starts (issue 15): the local provider hands it
   * on (FLOTILLA_WARM_AGENT); a VM's user-data does not carry it, and cloud providers ignore it.
   */
  warmAgent?: WarmAgentSpec;
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
  /**
   * The branches of a repository that lives where this provider's nodes run (the local
   * provider: a path on this machine), for the check of a project's repository. Absent: the
   * provider's nodes see no repository the control plane cannot reach itself.
   * @throws ProviderError when the provider cannot be asked (not when the repository is missing:
   *   that is `{reachable: false, reason}`)
   */
  listRemoteRefs?(repository: string): Promise<LocalCloudRemoteRefs>;
}

/** A node as a provider lists it. */
export interface ListedNode {
  nodeId: string;
  providerRef: string | null;
  /** When the provider created it (ISO 8601), when it says. */
  createdAt: string | null;
}

/** How a provider call failed (see {@link ProviderError}). */
export interface ProviderErrorOptions {
  /** Whether trying again may help (the cloud's 408/429/5xx, no answer at all); see kit `isRetryable`. */
  retryable: boolean;
  /** The HTTP status the cloud's API answered, when it answered. */
  status?: number;
  /**
   * Default: with a `status`, its code (contracts `STATUS_BY_CODE`), else `unavailable` when
   * retryable and `bad_request` when not; without one, `unreachable` when retryable and
   * `internal` when not (a setting that cannot work).
   */
  code?: FailureCode;
  cause?: unknown;
}

const CODE_BY_STATUS = new Map<number, ErrorCode>(Object.entries(STATUS_BY_CODE).map(([code, status]) => [status, code as ErrorCode]));

function defaultCode(options: ProviderErrorOptions): FailureCode {
  if (options.status === undefined) return options.retryable ? 'unreachable' : 'internal';
  return CODE_BY_STATUS.get(options.status) ?? (options.retryable ? 'unavailable' : 'bad_request');
}

/**
 * A provider call that failed: the kit's one error type (`retryable` says whether trying again
 * may help; the TaskRunner asks kit `isRetryable`), under its own class name so callers can tell
 * a provider's failure from others. `status` is the cloud API's answer when there was one.
 */
export class ProviderError extends FlotillaError {
  constructor(message: string, options: ProviderErrorOptions) {
    super(options.code ?? defaultCode(options), message, {
      retryable: options.retryable,
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    // The kit's `name` is a literal type; this class keeps its own name in messages and stacks.
    Object.defineProperty(this, 'name', { value: 'ProviderError' });
  }
}
