/**
 * Personal API token commands against a control plane (`--server URL`, else the running
 * `flotilla up`, else the server of `flotilla login`):
 * - `flotilla tokens [--json]`: the caller's tokens — id, name, prefix, scope, created, last used, expiry;
 * - `flotilla tokens create <name> [--project <id>]… [--expires-in-days <N|never>]`: make one and
 *   print its secret (shown this once);
 * - `flotilla tokens revoke <id>`.
 * Each returns the process exit code: 0 done, 1 refused.
 */
import type { ApiTokenInfo } from '@flotilla/contracts';
import { connectToServer, refusalsAsExitCode, write, type ServerOptions } from './server-connection.js';

const day = (iso: string | null, none: string) => (iso ? iso.slice(0, 10) : none);

/** One line of `flotilla tokens`. */
export function tokenLine(token: ApiTokenInfo): string {
  const scope = token.projectIds ? token.projectIds.join(',') : 'all projects';
  return `${token.id}  ${token.name.padEnd(20)}  ${`${token.prefix}…`.padEnd(16)}  ${scope.padEnd(20)}  created ${day(token.createdAt, '-')}  used ${day(token.lastUsedAt, 'never')}  expires ${day(token.expiresAt, 'never')}`;
}

/**
 * `--expires-in-days` as the API takes it: a positive number of days, `never` → null, absent → undefined.
 * @throws Error for anything else
 */
export function parseExpiresInDays(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'never') return null;
  const days = Number(value);
  if (!Number.isFinite(days) || days <= 0) throw new Error(`--expires-in-days must be a positive number of days or "never", got ${value}`);
  return days;
}

/** `flotilla tokens [--json]`. */
export async function listTokensCommand(options: ServerOptions & { json?: boolean }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const tokens = await connectToServer(options).listApiTokens();
    if (options.json) write(JSON.stringify(tokens));
    else if (tokens.length === 0) write('No API tokens: make one with `flotilla tokens create <name>`.');
    else for (const token of tokens) write(tokenLine(token));
    return 0;
  });
}

/** `flotilla tokens create <name> [--project id]… [--expires-in-days N]`. */
export async function createTokenCommand(name: string, options: ServerOptions & { project?: string[]; expiresInDays?: string; json?: boolean }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const expiresInDays = parseExpiresInDays(options.expiresInDays);
    const created = await connectToServer(options).createApiToken({
      name,
      ...(options.project?.length ? { projectIds: options.project } : {}),
      ...(expiresInDays !== undefined ? { expiresInDays } : {}),
    });
    if (options.json) {
      write(JSON.stringify(created));
      return 0;
    }
    write(`Token ${created.id} "${created.name}" made (${created.projectIds ? `projects ${created.projectIds.join(', ')}` : 'every project'}; expires ${day(created.expiresAt, 'never')}).`);
    write('Its secret, shown this once:');
    write(created.token);
    return 0;
  });
}

/** `flotilla tokens revoke <id>`. */
export async function revokeTokenCommand(tokenId: string, options: ServerOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    await connectToServer(options).revokeApiToken(tokenId);
    write(`Token ${tokenId} revoked.`);
    return 0;
  });
}
