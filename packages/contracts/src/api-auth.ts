/**
 * Access to the public API when the control plane has an API token (FLOTILLA_API_TOKEN): every
 * `/api/*` request then carries `Authorization: Bearer <token>`, or the session cookie the web
 * app gets from `POST /api/session`. Node callbacks keep their own JWTs; the daemon artifact
 * stays public.
 */
import * as z from 'zod';

/** `GET /api/session`: whether a token is required, and whether this request carries a valid one. */
export const ApiSessionInfo = z.object({ required: z.boolean(), authenticated: z.boolean() });
export type ApiSessionInfo = z.infer<typeof ApiSessionInfo>;

/** `POST /api/session` body: the API token, exchanged for the session cookie. */
export const CreateApiSessionRequest = z.strictObject({ token: z.string().min(1).max(4096) });
export type CreateApiSessionRequest = z.infer<typeof CreateApiSessionRequest>;

/** Name of the web app's session cookie (HttpOnly, SameSite=Strict). */
export const API_SESSION_COOKIE = 'flotilla_session';
