/**
 * The `local` provider: nodes are node-daemon processes on this machine, started by the local
 * cloud (a small HTTP service hosted by the `flotilla` CLI, packages/cli local-cloud/). It calls
 * the local cloud's route table `localCloudApi` through kit `callRoute`, so every answer is
 * parsed with the table's schemas. Every call carries the secret the local cloud shares with the
 * control plane (`Authorization: Bearer`, auth kind `localCloud`). Fetch-based, so it runs inside
 * the Worker like any cloud provider.
 */
import { localCloudApi, type LocalCloudNode } from '@flotilla/contracts';
import { FlotillaError, callRoute, errorMessage, type RouteClientOptions } from '@flotilla/kit';
import { ProviderError, type CreateNodeInput, type Provider, type ProviderNode } from '../provider.js';

/** Limit of one call to the local cloud, in ms. */
export const DEFAULT_LOCAL_CLOUD_TIMEOUT_MS = 30_000;

export interface LocalProviderOptions {
  /** Base URL of the local cloud, e.g. `http://127.0.0.1:8790`. */
  cloudUrl: string;
  /** The secret the local cloud requires (the control plane's LOCAL_CLOUD_SECRET). Never logged. */
  secret: string;
  /** Timeout of one call to the local cloud, in ms (default {@link DEFAULT_LOCAL_CLOUD_TIMEOUT_MS}). */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

function toProviderNode(node: LocalCloudNode): ProviderNode {
  return { nodeId: node.nodeId, status: node.status === 'running' ? 'running' : 'stopped', providerRef: node.pid === null ? null : String(node.pid) };
}

/**
 * The local provider for the local cloud at `options.cloudUrl`.
 * Its methods throw {@link ProviderError}s: retryable when the local cloud is unreachable or
 * answers a retryable status (kit `isRetryableStatus`), permanent for its other refusals.
 */
export function createLocalProvider(options: LocalProviderOptions): Provider {
  const base = options.cloudUrl.replace(/\/$/, '');
  const client: RouteClientOptions = {
    baseUrl: base,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_LOCAL_CLOUD_TIMEOUT_MS,
    headers: { authorization: `Bearer ${options.secret}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };

  /** The local cloud's failure as a ProviderError saying `what` failed. */
  function providerError(what: string, error: unknown): ProviderError {
    if (!(error instanceof FlotillaError)) return new ProviderError(`${what}: ${errorMessage(error)}`, { retryable: true, cause: error });
    if (error.code === 'unreachable') return new ProviderError(`local cloud at ${base} is unreachable: ${error.message}`, { retryable: true, cause: error });
    return new ProviderError(`${what}: ${error.message}`, { retryable: error.retryable, ...(error.status ? { status: error.status } : {}), cause: error });
  }

  return {
    name: 'local',
    async createNode(input: CreateNodeInput) {
      const body = { nodeId: input.nodeId, controlPlaneUrl: input.controlPlaneUrl, callbackToken: input.callbackToken, ...(input.warmAgent ? { warmAgent: input.warmAgent } : {}) };
      try {
        return toProviderNode(await callRoute(localCloudApi.createNode, { body }, client));
      } catch (error) {
        throw providerError(`local cloud refused to create node ${input.nodeId}`, error);
      }
    },
    async getNode(nodeId: string) {
      try {
        return toProviderNode(await callRoute(localCloudApi.getNode, { params: { nodeId } }, client));
      } catch (error) {
        if (error instanceof FlotillaError && error.notFound) return null;
        throw providerError(`local cloud could not answer for node ${nodeId}`, error);
      }
    },
    async deleteNode(nodeId: string) {
      try {
        await callRoute(localCloudApi.deleteNode, { params: { nodeId } }, client);
      } catch (error) {
        if (error instanceof FlotillaError && error.notFound) return;
        throw providerError(`local cloud refused to delete node ${nodeId}`, error);
      }
    },
    async listRemoteRefs(repository: string) {
      try {
        return await callRoute(localCloudApi.listRemoteRefs, { body: { repository } }, client);
      } catch (error) {
        throw providerError(`local cloud could not list the branches of ${repository}`, error);
      }
    },
  };
}
