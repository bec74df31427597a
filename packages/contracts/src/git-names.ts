/**
 * Names that end up as git arguments: branch names and repository URLs. One set of rules for the
 * API (a project's default branch and repository are refused at once, 400) and the node daemon
 * (which checks them again before running git).
 */
import * as z from 'zod';

/**
 * A problem with `name` as a git branch name — a conservative subset of `git check-ref-format`
 * that also refuses anything git could read as an option — or null when it is usable.
 * @param field the request field, for the message
 */
export function branchNameProblem(field: string, name: string): string | null {
  const invalid =
    name.length === 0 ||
    name.length > 250 ||
    name.startsWith('-') ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.includes('..') ||
    name.includes('//') ||
    name.includes('@{') ||
    name === '@' ||
    /[\s~^:?*[\\\x00-\x1f\x7f]/.test(name) ||
    name.split('/').some((part) => part.startsWith('.'));
  return invalid ? `${field}: "${name}" is not a valid git branch name` : null;
}

/** A git branch name (see {@link branchNameProblem}). */
export const GitBranchName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = branchNameProblem('branch', name);
    if (problem) ctx.addIssue({ code: 'custom', message: `"${name}" is not a valid git branch name` });
  });

/** URL schemes git may clone from here. Others — `ext::` and every `<transport>::` remote helper, `fd::` — are refused. */
export const REPOSITORY_URL_SCHEMES = ['https', 'http', 'ssh', 'git', 'file'] as const;

/**
 * A problem with `repoUrl` as a repository to clone, or null when it is usable: an absolute local
 * path, a URL with one of {@link REPOSITORY_URL_SCHEMES}, or scp-like `user@host:path`. Refused:
 * anything git could read as an option (`--upload-pack=…`), remote-helper syntax
 * (`ext::sh -c …`, `<transport>::<address>`), control characters.
 */
export function repositoryUrlProblem(repoUrl: string): string | null {
  const refuse = (why: string) => `repoUrl: ${why}`;
  if (repoUrl.length === 0) return refuse('must not be empty');
  if (/[\x00-\x1f\x7f]/.test(repoUrl)) return refuse('must not hold control characters');
  if (repoUrl.startsWith('-')) return refuse(`"${repoUrl}" starts with "-", which git would read as an option`);
  if (repoUrl.includes('::')) return refuse(`"${repoUrl}" uses git's remote-helper syntax (<transport>::<address>), which is not allowed`);
  if (repoUrl.startsWith('/')) return null;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(repoUrl)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    return (REPOSITORY_URL_SCHEMES as readonly string[]).includes(scheme)
      ? null
      : refuse(`the ${scheme}:// scheme is not allowed (use one of ${REPOSITORY_URL_SCHEMES.join(', ')})`);
  }
  // scp-like syntax, [user@]host:path (no slash before the colon, so git does not read it as a path).
  if (/^(?:[A-Za-z0-9._~-]+@)?[A-Za-z0-9.-]+:\S/.test(repoUrl)) return null;
  return refuse(`"${repoUrl}" is neither an absolute path nor a git URL (${REPOSITORY_URL_SCHEMES.map((s) => `${s}://`).join(', ')}, or user@host:path)`);
}

/** A repository to clone (see {@link repositoryUrlProblem}). */
export const RepositoryUrl = z
  .string()
  .trim()
  .max(2000)
  .superRefine((repoUrl, ctx) => {
    const problem = repositoryUrlProblem(repoUrl);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/^repoUrl: /, '') });
  });
