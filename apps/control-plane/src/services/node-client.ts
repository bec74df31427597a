/**
 * HTTP calls from the control plane to a node daemon, authenticated with a `node-management`
 * token. Failures are classified: network errors, timeouts, 5xx and 429 are transient; other
 * 4xx are permanent unless the caller accepts that status (e.g. 409 on an idempotent retry).
 * Cloudflare's origin errors (521–526, a node behind a proxied DNS name) say what is wrong.
 */
import { signNodeManagementToken } from '../auth/tokens.js';
import { PermanentError, TransientError } from '../lib/errors.js';

/**
 * What Cloudflare's proxy answers when it cannot reach a node behind a proxied DNS name
 * (node-dns.ts), and what that means here (Cloudflare's documented 52x origin errors).
 */
const CLOUDFLARE_ORIGIN_ERRORS: Record<number, string> = {
  521: 'the node refused the connection (its daemon is not listening yet, or NODE_DAEMON_PORT differs)',
  522: 'the connection to the node timed out (is the VM up, and its firewall open on NODE_DAEMON_PORT?)',
  523: "Cloudflare could not route to the node's address",
  525: "the TLS handshake with the node failed (is the node's daemon serving HTTPS? NODE_ORIGIN_TLS)",
  526: "the node's certificate was refused: set the zone's SSL mode to \"Full\", which accepts the node's self-signed certificate (\"Full (strict)\" does not)",
};

export interface NodeTarget {
  id: string;
  url: string;
}

export interface NodeCallOptions {
  body?: unknown;
  /** Statuses besides 2xx that count as success. */
  accept?: number[];
  timeoutMs: number;
}

/**
 * Call `method path` on the node daemon.
 * @throws TransientError (retry may help) or PermanentError (it will not)
 */
export async function callNode(db: D1Database, node: NodeTarget, method: string, path: string, options: NodeCallOptions): Promise<Response> {
  const token = await signNodeManagementToken(db, node.id);
  const url = `${node.url.replace(/\/$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new TransientError(`node ${node.id} unreachable for ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.ok || options.accept?.includes(response.status)) return response;
  const proxyProblem = CLOUDFLARE_ORIGIN_ERRORS[response.status];
  if (proxyProblem) {
    await response.body?.cancel();
    throw new TransientError(`node ${node.id} unreachable for ${method} ${path} through Cloudflare's proxy (${response.status}): ${proxyProblem}`);
  }
  const text = await response.text();
  const message = `node ${node.id} answered ${response.status} to ${method} ${path}: ${text.slice(0, 500)}`;
  if (response.status >= 500 || response.status === 429) throw new TransientError(message);
  throw new PermanentError(message);
}
