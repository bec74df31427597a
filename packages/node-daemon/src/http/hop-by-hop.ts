/**
 * Headers that belong to one HTTP connection, not to the message (RFC 9110 §7.6.1), and so are
 * never copied by a relay — the model gateway (model-gateway/) and the egress proxy
 * (egress-proxy/) both drop them, with the proxy's own `Proxy-*` headers.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * A copy of `headers` without hop-by-hop headers (those listed in `Connection` too) and
 * without `drop` (lower-case names).
 */
export function endToEndHeaders(headers: IncomingHttpHeaders, drop: readonly string[] = []): OutgoingHttpHeaders {
  const connectionListed = String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim());
  const dropped = new Set([...HOP_BY_HOP, ...connectionListed, ...drop]);
  const copy: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !dropped.has(name)) copy[name] = value;
  }
  return copy;
}
