/**
 * The check of a project's repository and default branch when the project is created or its
 * branch changed (issue 17, item 3): what the local cloud answers for a repository on this
 * machine (`POST /git/remote-refs`, routes/local-cloud.ts), and the `details` of the 400 the
 * public API answers when the check fails, so a client can put the message under the right field.
 */
import * as z from 'zod';

/**
 * Why a repository check refused a project, in `details.problem` of its 400 `bad_request`:
 * - `repository_unreachable`: no git repository answered there (missing path, not a git
 *   repository, unknown host, timeout, a server that is not a git server);
 * - `repository_access_denied`: the git server answered 401/403 (no token, or a token without access);
 * - `branch_not_found`: the repository answered, without the default branch.
 */
export const RepositoryCheckProblem = z.enum(['repository_unreachable', 'repository_access_denied', 'branch_not_found']);
export type RepositoryCheckProblem = z.infer<typeof RepositoryCheckProblem>;

/** `details` of a refused repository check: the problem and the request field it is about. */
export const RepositoryCheckDetails = z.object({
  problem: RepositoryCheckProblem,
  field: z.enum(['repoUrl', 'defaultBranch']),
  /** The repository's branches when it answered (branch_not_found), else absent. */
  branches: z.array(z.string()).optional(),
});
export type RepositoryCheckDetails = z.infer<typeof RepositoryCheckDetails>;

/** What a repository answered: its branches (short names, no `refs/heads/`) and the one HEAD names. */
export const RemoteRefs = z.object({
  /** The branch HEAD points to, when the repository says (null: detached, empty or unsaid). */
  headBranch: z.string().nullable(),
  branches: z.array(z.string()),
});
export type RemoteRefs = z.infer<typeof RemoteRefs>;

/** `POST /git/remote-refs` body (local cloud): a repository on this machine, an absolute path or a `file://` URL. */
export const LocalCloudRemoteRefsRequest = z.object({
  repository: z
    .string()
    .max(2000)
    .refine((r) => (r.startsWith('/') || r.startsWith('file:///')) && !/[\x00-\x1f\x7f]/.test(r), 'an absolute path or a file:/// URL'),
});
export type LocalCloudRemoteRefsRequest = z.infer<typeof LocalCloudRemoteRefsRequest>;

/**
 * `POST /git/remote-refs` answer: the refs (`reachable: true`), or why git could not list them
 * (`reachable: false`, `reason` in plain words: "does not exist", "is not a git repository", …).
 */
export const LocalCloudRemoteRefs = z.discriminatedUnion('reachable', [
  RemoteRefs.extend({ reachable: z.literal(true) }),
  z.object({ reachable: z.literal(false), reason: z.string() }),
]);
export type LocalCloudRemoteRefs = z.infer<typeof LocalCloudRemoteRefs>;
