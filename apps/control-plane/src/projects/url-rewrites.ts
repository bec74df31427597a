/**
 * REPOSITORY_CHECK_INSTEAD_OF: git's `url.<base>.insteadOf <prefix>` for the control plane's
 * repository check (repository-check.ts), for when this machine's nodes reach a git host through
 * a mirror or a rewrite of their own that the control plane should check instead (a test's
 * "github.com" that is a local repository, a company mirror). Format: `<base>=<prefix>` pairs
 * separated by commas; a repository URL starting with `<prefix>` is checked at `<base>` followed
 * by the rest of the URL, the longest matching prefix winning (as in git).
 */

/** One rewrite: URLs starting with `prefix` are checked at `base` + the rest. */
export interface UrlRewrite {
  base: string;
  prefix: string;
}

/**
 * The rewrites of a REPOSITORY_CHECK_INSTEAD_OF value (unset or blank: none).
 * @returns the rewrites, or a problem naming the var
 */
export function parseUrlRewrites(value: string | undefined): { ok: true; value: UrlRewrite[] } | { ok: false; problem: string } {
  const rewrites: UrlRewrite[] = [];
  for (const pair of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const base = pair.slice(0, at).trim();
    const prefix = pair.slice(at + 1).trim();
    if (at <= 0 || !base || !prefix) return { ok: false, problem: `REPOSITORY_CHECK_INSTEAD_OF must look like <base>=<prefix>,… (git's url.<base>.insteadOf); got ${pair}` };
    rewrites.push({ base, prefix });
  }
  return { ok: true, value: rewrites };
}

/** `repoUrl` with the longest matching rewrite applied (unchanged when none matches). */
export function rewriteUrl(repoUrl: string, rewrites: readonly UrlRewrite[]): string {
  const match = rewrites.filter((r) => repoUrl.startsWith(r.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  return match ? match.base + repoUrl.slice(match.prefix.length) : repoUrl;
}
