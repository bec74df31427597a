/**
 * Checks on names that become paths or git arguments, done again where they are used: a
 * workspace id must not escape `<dataDir>/workspaces/`, a branch name must not be read as a git
 * option (the rule of contracts git-names.ts, which the route table's schemas apply as well).
 */
import { branchNameProblem } from '@flotilla/contracts';

const WORKSPACE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A problem with `workspaceId` as a directory name, or null when it is usable. */
export function validateWorkspaceId(workspaceId: string): string | null {
  if (!WORKSPACE_ID.test(workspaceId) || workspaceId.includes('..')) {
    return 'workspaceId: must be 1-128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit';
  }
  return null;
}

/**
 * A problem with `name` as a git branch name, or null when it is usable: the contracts' one rule
 * (git-names.ts `branchNameProblem`), which the API applies too.
 *
 * @param field - the request field, for the message.
 */
export function validateBranchName(field: string, name: string): string | null {
  return branchNameProblem(field, name);
}
