/**
 * The control plane's client of the node daemon's API (contracts `nodeDaemonApi`), the one way
 * to call a node: every call carries a fresh `node-management` token for that node, times out
 * after OUTBOUND_REQUEST_TIMEOUT_MS, and has its answer parsed with the route's schema (kit
 * `callRoute`), never cast. A failure is a FlotillaError naming the node, the call and the
 * daemon's own words, retryable by the one rule (no answer, 408, 429, 5xx); Cloudflare's origin
 * errors (521–526, a node behind a proxied DNS name) say what is wrong instead of quoting
 * Cloudflare's page. A refusal a caller accepts (409 on an idempotent retry, 404 of an agent that
 * is gone) is taken with {@link allowRefusal}.
 */
import { buildPath, nodeDaemonApi, type NodeDaemonApi, type RouteInput, type RouteSpec } from '@flotilla/contracts';
import { FlotillaError, callRoute, type RouteClient, type RouteClientOptions } from '@flotilla/kit';
import { signNodeManagementToken } from '../auth/tokens.js';
import type { Deps } from '../deps.js';

/**
 * What Cloudflare's proxy answers when it cannot reach a node behind a proxied DNS name
 * (dns.ts), and what that means here (Cloudflare's documented 52x origin errors).
 */
const CLOUDFLARE_ORIGIN_ERRORS: Record<number, string> = {
  521: 'the node refused the connection (its daemon is not listening yet, or NODE_DAEMON_PORT differs)',
  522: 'the connection to the node timed out (is the VM up, and its firewall open on NODE_DAEMON_PORT?)',
  523: "Cloudflare could not route to the node's address",
  525: "the TLS handshake with the node failed (is the node's daemon serving HTTPS? NODE_ORIGIN_TLS)",
  526: "the node's certificate was refused: set the zone's SSL mode to \"Full\", which accepts the node's self-signed certificate (\"Full (strict)\" does not)",
};

/** A node to call: its id (the token's subject) and the URL its daemon announced. */
export interface NodeTarget {
  id: string;
  url: string;
}

export type NodeDaemonClient = RouteClient<NodeDaemonApi>;

/** The failure of a call to `node`, naming the node and the call. */
function nodeFailure(node: NodeTarget, route: RouteSpec, input: unknown, error: unknown): unknown {
  if (!(error instanceof FlotillaError)) return error;
  const call = `${route.method} ${buildPath(route.path, (input as { params?: Record<string, string> }).params)}`;
  const options = { status: error.status, retryable: error.retryable, retryAfterMs: error.retryAfterMs, details: error.details, cause: error };
  const proxyProblem = CLOUDFLARE_ORIGIN_ERRORS[error.status];
  if (proxyProblem) return new FlotillaError('unavailable', `node ${node.id} unreachable for ${call} through Cloudflare's proxy (${error.status}): ${proxyProblem}`, { ...options, retryable: true });
  if (error.code === 'unreachable') return new FlotillaError('unreachable', `node ${node.id} unreachable for ${call}: ${error.message}`, options);
  if (error.code === 'bad_response') return new FlotillaError('bad_response', `node ${node.id}: ${error.message}`, options);
  return new FlotillaError(error.code, `node ${node.id} answered ${error.status} to ${call}: ${error.message}`, options);
}

/**
 * The client of `node`'s daemon: one method per route of `nodeDaemonApi` (WebSocket routes
 * excepted: browsers open those), each answering the parsed answer.
 * @throws (from each method) FlotillaError — see the module comment
 */
export function nodeDaemonClient(deps: Pick<Deps, 'db' | 'config'>, node: NodeTarget): NodeDaemonClient {
  const options: RouteClientOptions = {
    baseUrl: node.url,
    timeoutMs: deps.config.OUTBOUND_REQUEST_TIMEOUT_MS,
    headers: async () => ({ authorization: `Bearer ${await signNodeManagementToken(deps, node.id)}` }),
  };
  const client: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, route] of Object.entries(nodeDaemonApi) as Array<[string, RouteSpec]>) {
    client[name] = (input) =>
      callRoute(route, input as RouteInput<RouteSpec>, options).catch((error: unknown) => {
        throw nodeFailure(node, route, input, error);
      });
  }
  return client as NodeDaemonClient;
}

/**
 * The answer of `call`, or — when the daemon refused it with one of `statuses` — that refusal
 * as a value (a caller that accepts it: a 409 of an idempotent retry, a 404 of something gone).
 * @throws any other failure of `call`
 */
export async function allowRefusal<T>(call: Promise<T>, statuses: readonly number[]): Promise<T | FlotillaError> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof FlotillaError && error.code !== 'unreachable' && statuses.includes(error.status)) return error;
    throw error;
  }
}
