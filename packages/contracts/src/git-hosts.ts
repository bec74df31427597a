/** Git hosts: how credentials and egress allowlists name the host of a repository URL. */
import * as z from 'zod';

/** A git host as credentials are keyed: lower-case `hostname[:port]`, e.g. `github.com`. */
export const GitHost = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/, 'a host name such as github.com (lower case, optionally :port)');

/** The host (`hostname[:port]`, lower case) of an http(s) repository URL, as git credentials are keyed; null for any other URL or a path. */
export function gitHostOf(repoUrl: string): string | null {
  try {
    const url = new URL(repoUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.host.toLowerCase() : null;
  } catch {
    return null;
  }
}
