/**
 * What an agent may reach on the network (DESIGN.md §7): its workspace's egress proxy lets through
 * only the hosts of an allowlist — the repository's git host, package registries, its agent's model
 * API hosts, and what the project adds — and refuses (and logs) everything else. The control plane
 * computes a workspace's list ({@link egressAllowlistFor}) and sends it with the create-workspace
 * request; the node daemon's proxy enforces it.
 */
import * as z from 'zod';
import { AGENT_CATALOG, type AgentType } from './agents.js';
import { gitHostOf } from './git-hosts.js';

/**
 * One allowlist entry: a host name (`github.com`), or every subdomain of one (`*.github.com`,
 * which does not include `github.com` itself). Lower case; no scheme, port or path.
 */
export const EgressHost = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'a host name such as registry.npmjs.org, or *.example.com for its subdomains');
export type EgressHost = z.infer<typeof EgressHost>;

/** A project's own additions to its workspaces' allowlist (at most 100 entries). */
export const EgressAllowlist = z.array(EgressHost).max(100);

/** Package registries every workspace may reach: npm, PyPI, crates.io, Go modules, RubyGems, Maven Central. */
export const PACKAGE_REGISTRY_HOSTS: readonly string[] = [
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'pypi.org',
  'files.pythonhosted.org',
  'crates.io',
  'index.crates.io',
  'static.crates.io',
  'proxy.golang.org',
  'sum.golang.org',
  'rubygems.org',
  'repo.maven.apache.org',
  'repo1.maven.org',
];

/** The model API hosts of each agent type (its requests go through the node's model gateway; these are for what else it fetches there). */
export const AGENT_MODEL_API_HOSTS: Record<AgentType, readonly string[]> = Object.fromEntries(
  Object.entries(AGENT_CATALOG).map(([agentType, entry]) => [agentType, entry.modelApiHosts]),
) as Record<AgentType, readonly string[]>;

/**
 * The egress allowlist of a workspace: the repository's git host (when `repoUrl` is an
 * http(s) URL), the package registries, the agent's model API hosts, and the project's own
 * entries — deduplicated, sorted.
 */
export function egressAllowlistFor(input: { repoUrl: string; agentType: AgentType; projectAllowlist: readonly string[] }): string[] {
  const gitHost = gitHostOf(input.repoUrl)?.replace(/:\d+$/, '');
  const hosts = [...(gitHost ? [gitHost] : []), ...PACKAGE_REGISTRY_HOSTS, ...AGENT_MODEL_API_HOSTS[input.agentType], ...input.projectAllowlist];
  return [...new Set(hosts.map((host) => host.toLowerCase()))].sort();
}

/** True when `host` (a name or an IP literal, no port) is allowed by `allowlist` (see {@link EgressHost}). */
export function egressAllowed(host: string, allowlist: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowlist.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry));
}
