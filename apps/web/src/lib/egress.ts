/**
 * The project's egress allowlist as the settings page edits it: a text of one host per line,
 * checked with contracts `EgressHost` (a host name, or `*.example.com` for its subdomains) and
 * `EgressAllowlist` (at most 100) before it is sent.
 */
import { EgressAllowlist, EgressHost } from '@flotilla/contracts';

/** Most entries a project may add (contracts `EgressAllowlist`). */
const MAX_ENTRIES = 100;

/**
 * The lines of `text` as allowlist entries — trimmed, lower case, blank lines and repeats left
 * out — or the first problem, naming its line (1-based) and what a host must look like.
 */
export function parseAllowlist(text: string): { hosts: string[] } | { problem: string } {
  const lines = text.split('\n').map((line) => line.trim());
  const hosts: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    const host = EgressHost.safeParse(line);
    if (!host.success) return { problem: `Line ${index + 1} (“${line}”): ${host.error.issues[0]?.message ?? 'not a host name'}` };
    if (!hosts.includes(host.data)) hosts.push(host.data);
  }
  if (!EgressAllowlist.safeParse(hosts).success) return { problem: `At most ${MAX_ENTRIES} hosts (${hosts.length} given)` };
  return { hosts };
}
