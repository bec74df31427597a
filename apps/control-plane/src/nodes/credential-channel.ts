/**
 * Where credentials may travel (issue 12, DESIGN.md §7): a git token (create-workspace) or an
 * agent key (start) goes to a node only over TLS (`https://`) or to a node on this machine (a
 * loopback address: 127.0.0.0/8, ::1, `localhost`), never in clear over a network. The steps that
 * send them ask {@link requireCredentialChannel} first; a refusal fails the step, not retried,
 * saying what to configure.
 */
import { unavailable } from '@flotilla/kit';

/** True when `hostname` (as `URL.hostname` gives it: IPv6 in brackets) is a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** True when credentials may be sent to a node daemon at `url`: https, or loopback. */
export function isCredentialChannel(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
}

/**
 * Refuse to send `what` (e.g. "the repository token for github.com") to node `node` unless its
 * URL is https or loopback.
 * @throws FlotillaError unavailable (503, not retryable) naming the node's URL and what to configure
 */
export function requireCredentialChannel(node: { id: string; url: string }, what: string): void {
  if (isCredentialChannel(node.url)) return;
  throw unavailable(
    `${what} is sent to nodes only over TLS (https) or on this machine (loopback), and node ${node.id} announced ${node.url}: ` +
      'give cloud nodes TLS — node DNS (NODE_DNS_ZONE_ID, NODE_DNS_DOMAIN), or NODE_ORIGIN_TLS=true / an https NODE_PUBLIC_URL_TEMPLATE (README, "Cloud nodes over TLS")',
    { retryable: false },
  );
}
