/**
 * Handlers of the personal API token routes (contracts `publicApi`, issue 14 item 4):
 * - `GET /api/tokens` → the caller's tokens that are not revoked, newest first (never a secret or hash);
 * - `POST /api/tokens {name, projectIds?, expiresInDays?}` → 201 with the secret, in this answer
 *   only; 400 naming project ids that do not exist, or a lifetime under API_TOKEN_MIN_TTL_MS or
 *   over API_TOKEN_MAX_TTL_DAYS; absent `expiresInDays`: API_TOKEN_DEFAULT_TTL_DAYS; null: never;
 * - `DELETE /api/tokens/:tokenId` → 204; 404 when it is not the caller's (or already revoked);
 * - `GET /api/tokens/current` → the personal token this request carries; 404 for the shared
 *   token, the session cookie or an open API.
 */
import { newId } from '@flotilla/contracts';
import { badRequest, notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { depsFromEnv } from '../deps.js';
import { rolesOfUser } from '../members/repository.js';
import { listProjects } from '../projects/repository.js';
import { getUserApiToken, insertApiToken, listUserApiTokens, revokeUserApiToken, toApiTokenInfo } from './api-token-repository.js';
import { hashPersonalToken, newPersonalToken, visiblePrefix } from './personal-tokens.js';
import { principalOf } from './principal.js';
import { recordFromRoute } from '../audit/record.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a token made at `nowMs` expires (ms), or null for never.
 * @param expiresInDays - days (fractions allowed); null: never; undefined: `limits.API_TOKEN_DEFAULT_TTL_DAYS`
 * @throws FlotillaError bad_request (400) when the lifetime is under API_TOKEN_MIN_TTL_MS or over API_TOKEN_MAX_TTL_DAYS
 */
export function expiryOf(
  expiresInDays: number | null | undefined,
  nowMs: number,
  limits: { API_TOKEN_DEFAULT_TTL_DAYS: number; API_TOKEN_MAX_TTL_DAYS: number; API_TOKEN_MIN_TTL_MS: number },
): number | null {
  if (expiresInDays === null) return null;
  const days = expiresInDays ?? limits.API_TOKEN_DEFAULT_TTL_DAYS;
  const ttlMs = Math.round(days * DAY_MS);
  if (days > limits.API_TOKEN_MAX_TTL_DAYS) throw badRequest(`expiresInDays may be at most ${limits.API_TOKEN_MAX_TTL_DAYS} (or null: never)`);
  if (ttlMs < limits.API_TOKEN_MIN_TTL_MS) throw badRequest(`expiresInDays must be at least ${limits.API_TOKEN_MIN_TTL_MS / DAY_MS} (API_TOKEN_MIN_TTL_MS), or null: never`);
  return nowMs + ttlMs;
}

export const apiTokenHandlers: PublicHandlers<'listApiTokens' | 'createApiToken' | 'getCurrentApiToken' | 'revokeApiToken'> = {
  listApiTokens: async (_request, c) => {
    const { userId } = principalOf(c.get('principal'), 'user');
    return { tokens: (await listUserApiTokens(c.env.DB, userId)).map(toApiTokenInfo) };
  },

  createApiToken: async ({ body }, c) => {
    const principal = principalOf(c.get('principal'), 'user');
    const { userId } = principal;
    const deps = depsFromEnv(c.env);
    const projectIds = body.projectIds ? [...new Set(body.projectIds)] : null;
    if (projectIds) {
      // Projects the caller is no member of are "no such project" too (members/: no existence leak).
      const known = principal.operator ? new Set((await listProjects(deps.db)).map((project) => project.id)) : new Set((await rolesOfUser(deps.db, userId)).keys());
      const unknown = projectIds.filter((id) => !known.has(id));
      if (unknown.length > 0) throw badRequest(`no such project: ${unknown.join(', ')}`);
    }
    const nowMs = Date.now();
    const expiresAtMs = expiryOf(body.expiresInDays, nowMs, deps.config);
    const token = newPersonalToken();
    const row = await insertApiToken(deps.db, {
      id: newId('tok'),
      userId,
      name: body.name,
      tokenHash: await hashPersonalToken(token),
      prefix: visiblePrefix(token),
      projectIds,
      expiresAtMs,
      createdAtMs: nowMs,
    });
    deps.log.child({ component: 'api-tokens' }).info('api token created', { tokenId: row.id, userId, scoped: projectIds !== null });
    await recordFromRoute(c, { projectId: null, action: 'token.created', target: { kind: 'api_token', id: row.id }, detail: { name: row.name, projects: projectIds } });
    return { ...toApiTokenInfo(row), token };
  },

  getCurrentApiToken: async (_request, c) => {
    const principal = principalOf(c.get('principal'), 'user');
    const row = principal.tokenId ? await getUserApiToken(c.env.DB, principal.userId, principal.tokenId) : null;
    if (!row) throw notFound('this request carries no personal API token (the shared FLOTILLA_API_TOKEN, the sign-in cookie, or none)');
    return toApiTokenInfo(row);
  },

  revokeApiToken: async ({ params }, c) => {
    const { userId } = principalOf(c.get('principal'), 'user');
    const deps = depsFromEnv(c.env);
    const row = await getUserApiToken(deps.db, userId, params.tokenId);
    if (!row || !(await revokeUserApiToken(deps.db, userId, params.tokenId, Date.now()))) throw notFound(`API token ${params.tokenId} not found`);
    await recordFromRoute(c, { projectId: null, action: 'token.revoked', target: { kind: 'api_token', id: row.id }, detail: { name: row.name } });
    deps.log.child({ component: 'api-tokens' }).info('api token revoked', { tokenId: params.tokenId, userId });
    return null;
  },
};
