/**
 * The `hetzner` provider: nodes are Hetzner Cloud servers that install and start the node daemon
 * from their cloud-init user-data. Fetch-based (runs in the Worker). Every server carries the
 * labels `managed-by=flotilla`, `flotilla-deployment=<deploymentId>` and
 * `flotilla-node-id=<nodeId>`, which is how a node is found again: creating is idempotent on the
 * node id, and deleting a server that is gone succeeds. Every lookup — a node by its id, the
 * sweep's list — asks for this deployment's label too, so deployments sharing a Hetzner project
 * never see, let alone delete, each other's servers.
 */
import { nodeHostLabel } from '../dns/cloudflare-dns.js';
import { DEPLOYMENT_ID_PATTERN, ProviderError, type CreateNodeInput, type Provider, type ProviderNode } from '../provider.js';
import { createHetznerRequest, type HetznerApiOptions, type HetznerRequest } from './hetzner-api.js';
import {
  HETZNER_USER_DATA_MAX_BYTES,
  HetznerCreateServerResponse,
  HetznerListServersResponse,
  type HetznerCreateServerRequest,
  type HetznerServer,
} from './hetzner-schemas.js';

/** Hetzner server types per Flotilla VM size (the default mapping; configurable). */
export const DEFAULT_HETZNER_SERVER_TYPES: Record<string, string> = { small: 'cx22', medium: 'cx32', large: 'cx42' };
export const DEFAULT_HETZNER_IMAGE = 'debian-12';
export const DEFAULT_HETZNER_LOCATION = 'fsn1';

export const NODE_ID_LABEL = 'flotilla-node-id';
export const MANAGED_BY_LABEL = 'managed-by';
export const DEPLOYMENT_LABEL = 'flotilla-deployment';

export interface HetznerProviderOptions extends HetznerApiOptions {
  /** This deployment's id (DEPLOYMENT_ID_PATTERN): every server gets it as a label, and only servers with it are seen. */
  deploymentId: string;
  /** VM size → Hetzner server type; default {@link DEFAULT_HETZNER_SERVER_TYPES}. */
  serverTypes?: Record<string, string>;
  /** Image name, default `debian-12`. */
  image?: string;
  /** Location name, default `fsn1`. */
  location?: string;
}

export interface HetznerProvider extends Provider {
  /** Servers whose labels match `labelSelector` (Hetzner's syntax, e.g. `managed-by=flotilla`). */
  listServers(labelSelector: string): Promise<HetznerServer[]>;
  /** Whether the token is accepted by Hetzner (false on 401; other failures throw). */
  validateToken(): Promise<boolean>;
}

/** A valid Hetzner server name (a hostname label) for a node id: `flotilla-<id>`, lower case. */
export function serverNameFor(nodeId: string): string {
  return nodeHostLabel(`flotilla-${nodeId}`);
}

/** Whether Hetzner accepts the token of `options` (false on 401; other failures throw ProviderErrors). */
export async function validateHetznerToken(options: HetznerApiOptions): Promise<boolean> {
  return validateWith(createHetznerRequest(options));
}

async function validateWith(request: HetznerRequest): Promise<boolean> {
  const { status } = await request('GET', '/servers?per_page=1', undefined, [401]);
  return status !== 401;
}

/**
 * The Hetzner provider of one token and deployment.
 * @throws ProviderError (not retryable) when `options.deploymentId` cannot be a label value
 */
export function createHetznerProvider(options: HetznerProviderOptions): HetznerProvider {
  if (!DEPLOYMENT_ID_PATTERN.test(options.deploymentId)) throw new ProviderError(`the deployment id ${options.deploymentId} cannot be a Hetzner label value`, { retryable: false });
  const request = createHetznerRequest(options);
  const ours = `${MANAGED_BY_LABEL}=flotilla,${DEPLOYMENT_LABEL}=${options.deploymentId}`;
  const serverTypes = options.serverTypes ?? DEFAULT_HETZNER_SERVER_TYPES;
  const image = options.image ?? DEFAULT_HETZNER_IMAGE;
  const location = options.location ?? DEFAULT_HETZNER_LOCATION;

  async function listServers(labelSelector: string): Promise<HetznerServer[]> {
    const servers: HetznerServer[] = [];
    for (let page: number | null = 1; page !== null; ) {
      const { json } = await request('GET', `/servers?label_selector=${encodeURIComponent(labelSelector)}&page=${page}&per_page=50`);
      const parsed = HetznerListServersResponse.parse(json);
      servers.push(...parsed.servers);
      page = parsed.meta?.pagination.next_page ?? null;
    }
    return servers;
  }

  const findServer = async (nodeId: string) => (await listServers(`${ours},${NODE_ID_LABEL}=${nodeId}`))[0] ?? null;

  function toProviderNode(nodeId: string, server: HetznerServer): ProviderNode {
    return { nodeId, status: server.status === 'running' ? 'running' : 'stopped', providerRef: String(server.id), ipv4: server.public_net?.ipv4?.ip ?? null };
  }

  return {
    name: 'hetzner',
    listServers,
    async createNode(input: CreateNodeInput) {
      const serverType = serverTypes[input.size ?? 'small'];
      if (!serverType) throw new ProviderError(`no Hetzner server type is configured for size ${input.size ?? 'small'}`, { retryable: false });
      if (!input.userData) throw new ProviderError('a Hetzner node needs cloud-init user-data', { retryable: false });
      const bytes = new TextEncoder().encode(input.userData).byteLength;
      if (bytes > HETZNER_USER_DATA_MAX_BYTES) throw new ProviderError(`user-data is ${bytes} bytes; Hetzner accepts at most ${HETZNER_USER_DATA_MAX_BYTES}`, { retryable: false });
      const existing = await findServer(input.nodeId);
      if (existing) return toProviderNode(input.nodeId, existing);
      const body: HetznerCreateServerRequest = {
        name: serverNameFor(input.nodeId),
        server_type: serverType,
        image,
        location,
        user_data: input.userData,
        labels: { [MANAGED_BY_LABEL]: 'flotilla', [DEPLOYMENT_LABEL]: options.deploymentId, [NODE_ID_LABEL]: input.nodeId },
        start_after_create: true,
      };
      const { json } = await request('POST', '/servers', body);
      return toProviderNode(input.nodeId, HetznerCreateServerResponse.parse(json).server);
    },
    async getNode(nodeId: string) {
      const server = await findServer(nodeId);
      return server ? toProviderNode(nodeId, server) : null;
    },
    async deleteNode(nodeId: string) {
      const server = await findServer(nodeId);
      if (!server) return;
      await request('DELETE', `/servers/${server.id}`, undefined, [404]);
    },
    async listNodes() {
      const servers = await listServers(ours);
      return servers.flatMap((server) => {
        const nodeId = server.labels[NODE_ID_LABEL];
        return nodeId ? [{ nodeId, providerRef: String(server.id), createdAt: server.created ?? null }] : [];
      });
    },
    validateToken: () => validateWith(request),
  };
}
