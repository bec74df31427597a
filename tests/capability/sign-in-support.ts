/**
 * Signing in by hand for capability tests (issue 14): the OpenID Connect redirect flow followed
 * with fetch against the testkit's fake provider (`login_hint` approves the named user at once),
 * or GitHub's against the fake GitHub (its approval form posted), then a personal API token made
 * with the session cookie — what the CLI and scripts use.
 */
import { expect } from 'vitest';

/** The value of cookie `name` among a response's Set-Cookie headers, or undefined. */
export const setCookie = (response: Response, name: string): string | undefined =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/**
 * The end of a sign-in: the provider's approval (`approved`, a redirect to the callback) followed
 * with the state cookie the start (`start`) set.
 * @returns the `flotilla_user` session cookie's value
 */
async function finishSignIn(start: Response, approved: Response): Promise<string> {
  expect(approved.status).toBe(302);
  const callback = await fetch(approved.headers.get('location')!, { redirect: 'manual', headers: { cookie: `flotilla_sign_in=${setCookie(start, 'flotilla_sign_in')}` } });
  expect(callback.status).toBe(302);
  const session = setCookie(callback, 'flotilla_user');
  expect(session).toBeTruthy();
  return session!;
}

/**
 * Sign in to the control plane at `baseUrl` as `login` through its OIDC provider.
 * @returns the `flotilla_user` session cookie's value
 */
export async function oidcSessionCookie(baseUrl: string, login: string): Promise<string> {
  const start = await fetch(`${baseUrl}/api/auth/oidc/start?returnTo=%2F`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  authorize.searchParams.set('login_hint', login);
  return finishSignIn(start, await fetch(authorize, { redirect: 'manual' }));
}

/**
 * Sign in to the control plane at `baseUrl` as `login` with GitHub, the fake GitHub at `githubUrl`
 * approving.
 * @returns the `flotilla_user` session cookie's value
 */
export async function githubSessionCookie(baseUrl: string, githubUrl: string, login: string): Promise<string> {
  const start = await fetch(`${baseUrl}/api/auth/github/start?returnTo=%2F`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const form = new URLSearchParams(new URL(start.headers.get('location')!).searchParams);
  form.set('login', login);
  return finishSignIn(start, await fetch(`${githubUrl}/login/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' }));
}

/**
 * A personal API token (unscoped, 1 day) of the user signed in with session cookie `cookie`.
 * @returns the token's secret (for `new FlotillaClient(baseUrl, ms, token)`)
 */
export async function personalToken(baseUrl: string, cookie: string, name: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/tokens`, {
    method: 'POST',
    headers: { cookie: `flotilla_user=${cookie}`, origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify({ name, expiresInDays: 1 }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

/** Sign in as `login` with OpenID Connect and make a personal API token of that user. @returns the token's secret */
export async function signInWithOidc(baseUrl: string, login: string): Promise<string> {
  return personalToken(baseUrl, await oidcSessionCookie(baseUrl, login), `${login} in a test`);
}
