/**
 * Users who sign in (issue 14, item 1): with GitHub or a generic OpenID Connect provider. The
 * control plane keeps users and their server-side sessions in D1; the browser holds a random
 * secret in the {@link USER_SESSION_COOKIE} cookie. Schemas of `GET /api/auth/providers`,
 * `GET /api/me`, `GET /api/users` and the sign-in start/callback routes.
 */
import * as z from 'zod';

/** Name of the signed-in user's session cookie (HttpOnly, SameSite=Lax; not the API token's cookie). */
export const USER_SESSION_COOKIE = 'flotilla_user';

/** A sign-in provider: GitHub OAuth, or the one generic OpenID Connect provider. */
export const SignInProvider = z.enum(['github', 'oidc']);
export type SignInProvider = z.infer<typeof SignInProvider>;

/** `GET /api/auth/providers`: the sign-in methods this control plane offers. */
export const AuthProviders = z.object({
  /** Providers configured, each with the label of its button ("GitHub", AUTH_OIDC_NAME). */
  providers: z.array(z.object({ id: SignInProvider, name: z.string() })),
  /** Whether the API token form applies (FLOTILLA_API_TOKEN is set). */
  apiToken: z.boolean(),
});
export type AuthProviders = z.infer<typeof AuthProviders>;

/** `GET /api/auth/:provider/start?returnTo=`: where to go after signing in (a same-origin path). */
export const SignInStartQuery = z.object({ returnTo: z.string().max(2000).optional() });

/**
 * Why a sign-in was refused, as the callback passes it to the web app (`/?signInRefused=<code>`):
 * the email's domain is not allowed, the email is not verified, not a member of an allowed GitHub
 * organization, or the sign-in itself failed (expired, tampered with, or the provider said no).
 */
export const SignInRefusal = z.enum(['email_domain', 'email_unverified', 'github_org', 'failed']);
export type SignInRefusal = z.infer<typeof SignInRefusal>;

/** A user's status: `pending` users wait for an admin's approval (AUTH_REQUIRE_APPROVAL) and may use no API. */
export const UserStatus = z.enum(['active', 'pending']);
export type UserStatus = z.infer<typeof UserStatus>;

/** A user, as `GET /api/me` and `GET /api/users` show them. */
export const User = z.object({
  id: z.string(),
  provider: SignInProvider,
  login: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  isAdmin: z.boolean(),
  status: UserStatus,
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
});
export type User = z.infer<typeof User>;

/** `GET /api/users`: every user, pending ones first, then by creation. */
export const UserList = z.object({ users: z.array(User) });
export type UserList = z.infer<typeof UserList>;
