/**
 * Personal API tokens (issue 14 item 4): what the CLI and scripts send instead of the shared
 * FLOTILLA_API_TOKEN. A token is `flt_` + 32 random bytes in base64url, shown once when it is
 * made; the control plane keeps only its SHA-256 and a short prefix to recognise it by
 * (apps/control-plane/src/auth/personal-tokens.ts). A token reaches every project, or only the
 * projects it names, until it expires or is revoked. Routes: `publicApi` `/api/tokens…`.
 */
import * as z from 'zod';

/** What every personal token starts with (the shared FLOTILLA_API_TOKEN may too: it is checked first). */
export const PERSONAL_TOKEN_PREFIX = 'flt_';

/** Characters of a token kept in the clear to recognise it by (`flt_` and 8 more). */
export const PERSONAL_TOKEN_VISIBLE_CHARS = 12;

/** Longest token name. */
export const API_TOKEN_NAME_MAX_CHARS = 100;

/** Most projects one token may be scoped to. */
export const API_TOKEN_MAX_PROJECTS = 100;

/** A personal token as listed: never its secret or its hash. Times are ISO 8601. */
export const ApiTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters (`flt_AbCd1234`), to recognise it by. */
  prefix: z.string(),
  /** The projects it reaches; null: every project. */
  projectIds: z.array(z.string()).nullable(),
  /** When it stops working; null: never. */
  expiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  /** When it was last used (updated at most once per API_TOKEN_LAST_USED_INTERVAL_MS); null: never. */
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;

/** `GET /api/tokens`: the caller's tokens that are not revoked, newest first. */
export const ApiTokenList = z.object({ tokens: z.array(ApiTokenInfo) });
export type ApiTokenList = z.infer<typeof ApiTokenList>;

/**
 * `POST /api/tokens`. `expiresInDays`: days until it expires (fractions allowed; at least
 * API_TOKEN_MIN_TTL_MS, at most API_TOKEN_MAX_TTL_DAYS); null: never; absent:
 * API_TOKEN_DEFAULT_TTL_DAYS. `projectIds`: the projects it may reach; absent: every project.
 */
export const CreateApiTokenRequest = z.strictObject({
  name: z.string().trim().min(1).max(API_TOKEN_NAME_MAX_CHARS),
  projectIds: z.array(z.string().min(1).max(200)).min(1).max(API_TOKEN_MAX_PROJECTS).optional(),
  expiresInDays: z.number().positive().finite().nullable().optional(),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

/** `POST /api/tokens` → 201: the new token with its secret, in this answer only. */
export const CreatedApiToken = ApiTokenInfo.extend({ token: z.string().startsWith(PERSONAL_TOKEN_PREFIX) });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;
