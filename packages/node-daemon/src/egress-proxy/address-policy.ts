/**
 * Addresses the egress proxy never connects to, whatever name led there (DESIGN.md §7): the node's
 * own loopback (the daemon's API, a local control plane, anything that trusts 127.0.0.1), link-local
 * addresses (169.254.169.254 and fe80::/10: cloud metadata services hand out credentials there) and
 * the other known metadata addresses, the unspecified address (0.0.0.0 reaches the node itself),
 * multicast and reserved ranges. The operator may open some of them (FLOTILLA_EGRESS_ALLOW_ADDRESSES,
 * e.g. a service on the node that agents are meant to use). Ranges are checked with Node's
 * `net.BlockList`, which also matches IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`).
 */
import { BlockList, isIP } from 'node:net';

/** [network, prefix length, what it is]. */
const FORBIDDEN: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'an unspecified address (this node)'],
  ['127.0.0.0', 8, "the node's loopback"],
  ['169.254.0.0', 16, 'a link-local address (cloud metadata)'],
  ['100.100.100.200', 32, 'a cloud metadata address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
  ['::', 128, 'an unspecified address (this node)'],
  ['::1', 128, "the node's loopback"],
  ['fe80::', 10, 'a link-local address (cloud metadata)'],
  ['fd00:ec2::254', 128, 'a cloud metadata address'],
  ['ff00::', 8, 'a multicast address'],
];

const family = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

export class AddressPolicy {
  private readonly forbidden = FORBIDDEN.map(([network, prefix, what]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family(network));
    return { list, what };
  });
  private readonly allowed = new BlockList();

  /** @param allowedRanges - FLOTILLA_EGRESS_ALLOW_ADDRESSES: `address/prefix` ranges opened although forbidden. */
  constructor(allowedRanges: readonly string[]) {
    for (const range of allowedRanges) {
      const [network = '', prefix = ''] = range.split('/');
      this.allowed.addSubnet(network, Number(prefix), family(network));
    }
  }

  /** Why the proxy may not connect to `address` (an IP address), or null when it may. */
  problem(address: string): string | null {
    if (isIP(address) === 0) return 'not an IP address';
    const type = family(address);
    if (this.allowed.check(address, type)) return null;
    return this.forbidden.find(({ list }) => list.check(address, type))?.what ?? null;
  }
}
