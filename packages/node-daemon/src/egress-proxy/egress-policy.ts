/**
 * The egress proxy's decision for one destination (DESIGN.md §7): allowed only when the host is on
 * the workspace's allowlist (contracts `egressAllowed`: names and `*.domain` entries) or the node's
 * FLOTILLA_EGRESS_ALLOW; an IP address only when it is listed as it is (a `*.` entry never matches
 * one); and never when the name resolves to an address the {@link AddressPolicy} forbids — the
 * proxy then connects to the very address it checked, so a name cannot be re-resolved elsewhere in
 * between (DNS rebinding). A name that cannot be resolved is refused too (fail closed).
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { egressAllowed } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import type { AddressPolicy } from './address-policy.js';

export type EgressDecision =
  | { allowed: true; address: string }
  /** `status`: 403 refused by the policy, 502 the name does not resolve. */
  | { allowed: false; status: 403 | 502; reason: string };

export interface EgressPolicyInput {
  /** The workspace's allowlist and the node's FLOTILLA_EGRESS_ALLOW. */
  allowlist: readonly string[];
  addresses: AddressPolicy;
  /** Resolves a name to all its addresses (default: the system resolver, `dns.lookup`). */
  lookup?: (host: string) => Promise<LookupAddress[]>;
}

const systemLookup = (host: string): Promise<LookupAddress[]> => dnsLookup(host, { all: true, verbatim: true });

/** `host` as the allowlist compares it: lower case, no trailing dot, IPv6 without brackets. */
export function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** Whether the proxy may connect to `host` (a name or an IP address), and to which address. */
export async function decideEgress(host: string, input: EgressPolicyInput): Promise<EgressDecision> {
  const name = normalizeHost(host);
  if (isIP(name) !== 0) {
    if (!input.allowlist.includes(name)) return { allowed: false, status: 403, reason: 'an IP address that is not on the allowlist' };
    const problem = input.addresses.problem(name);
    return problem ? { allowed: false, status: 403, reason: `${problem}, never reached through the proxy` } : { allowed: true, address: name };
  }
  if (!egressAllowed(name, input.allowlist)) return { allowed: false, status: 403, reason: 'not on the allowlist' };
  let addresses: LookupAddress[];
  try {
    addresses = await (input.lookup ?? systemLookup)(name);
  } catch (error) {
    return { allowed: false, status: 502, reason: `cannot be resolved: ${errorMessage(error)}` };
  }
  if (addresses.length === 0) return { allowed: false, status: 502, reason: 'resolves to no address' };
  for (const { address } of addresses) {
    const problem = input.addresses.problem(address);
    if (problem) return { allowed: false, status: 403, reason: `resolves to ${problem} (${address}), never reached through the proxy` };
  }
  return { allowed: true, address: addresses[0]?.address ?? '' };
}
