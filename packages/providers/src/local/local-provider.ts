/**
 * The `local` provider: nodes are node-daemon processes on this machine, started by the local
 * cloud (a small HTTP service hosted by the `flotilla` CLI, see `cloud-server.ts`). Fetch-based,
 * so it runs inside the Worker like any cloud provider.
 */
import { LocalCloudNode, type LocalCloudCreateNodeRequest } from '@flotilla/contracts';
import { ProviderError, type CreateNodeInput, type Provider, type ProviderNode } from '../provider.js';

export interface LocalProviderOptions {
  /** Base URL of the local cloud, e.g. `http://127.0.0.1:8790`. */
  cloudUrl: string;
  /** Timeout of one call to the local cloud, in milliseconds (default 30 000). */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

export function createLocalProvider(options: LocalProviderOptions): Provider {
  const base = options.cloudUrl.replace(/\/$/, '');
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ProviderError(`local cloud at ${base} is unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    if (response.status >= 500 || response.status === 429) {
      throw new ProviderError(`local cloud answered ${response.status} to ${method} ${path}: ${await response.text()}`, true, response.status);
    }
    return response;
  }

  function toProviderNode(node: LocalCloudNode): ProviderNode {
    return { nodeId: node.nodeId, status: node.status === 'running' ? 'running' : 'stopped', providerRef: node.pid === null ? null : String(node.pid) };
  }

  return {
    name: 'local',
    async createNode(input: CreateNodeInput) {
      const body: LocalCloudCreateNodeRequest = {
        nodeId: input.nodeId,
        controlPlaneUrl: input.controlPlaneUrl,
        callbackToken: input.callbackToken,
      };
      const response = await call('POST', '/nodes', body);
      if (!response.ok) {
        throw new ProviderError(`local cloud refused to create node ${input.nodeId}: ${response.status} ${await response.text()}`, false, response.status);
      }
      return toProviderNode(LocalCloudNode.parse(await response.json()));
    },
    async getNode(nodeId: string) {
      const response = await call('GET', `/nodes/${encodeURIComponent(nodeId)}`);
      if (response.status === 404) return null;
      if (!response.ok) throw new ProviderError(`local cloud answered ${response.status} for node ${nodeId}`, false, response.status);
      return toProviderNode(LocalCloudNode.parse(await response.json()));
    },
    async deleteNode(nodeId: string) {
      const response = await call('DELETE', `/nodes/${encodeURIComponent(nodeId)}`);
      if (response.status === 404 || response.ok) return;
      throw new ProviderError(`local cloud refused to delete node ${nodeId}: ${response.status}`, false, response.status);
    },
  };
}
