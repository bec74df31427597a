/**
 * Checks on names that become paths or git arguments. The contracts only require them to be
 * non-empty; the daemon must also keep them from escaping `<dataDir>/workspaces/` or being read
 * as git options.
 */

const WORKSPACE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A problem with `workspaceId` as a directory name, or null when it is usable. */
export function validateWorkspaceId(workspaceId: string): string | null {
  if (!WORKSPACE_ID.test(workspaceId) || workspaceId.includes('..')) {
    return 'workspaceId: must be 1-128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit';
  }
  return null;
}

/**
 * A problem with `name` as a git branch name (a conservative subset of git-check-ref-format), or
 * null when it is usable.
 *
 * @param field - the request field, for the message.
 */
export function validateBranchName(field: string, name: string): string | null {
  const invalid =
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
