/**
 * The checks of a sign-in under way (issue 14, item 1), pure and unit-tested:
 * - `returnTo` is only ever a path on this control plane (`/…`, not `//host` nor `/\host`, no
 *   scheme, no control characters); anything else becomes `/`, so a sign-in link cannot send the
 *   browser elsewhere (an open redirect).
 * - The state the provider sends back must equal the one in the browser's short-lived cookie
 *   (the browser that started the sign-in is the one finishing it), compared in constant time.
 */

/** Name of the short-lived cookie holding the state of a sign-in under way (HttpOnly, SameSite=Lax, Path=/api/auth). */
export const SIGN_IN_STATE_COOKIE = 'flotilla_sign_in';

/** Longest returnTo kept (characters). */
const MAX_RETURN_TO_CHARS = 2000;

/** `returnTo` when it is a same-origin path, else `/`. */
export function safeReturnTo(returnTo: string | undefined): string {
  if (returnTo === undefined || returnTo.length > MAX_RETURN_TO_CHARS) return '/';
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || returnTo.startsWith('/\\') || /[\u0000-\u001f\u007f\\]/.test(returnTo)) return '/';
  // A path resolved against a stand-in origin must stay on it (catches what the tests above miss).
  const url = new URL(returnTo, 'http://flotilla.invalid');
  if (url.origin !== 'http://flotilla.invalid') return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Whether the provider's `state` is the one this browser's cookie holds (both present, equal). */
export function stateMatches(fromProvider: string | null | undefined, fromCookie: string | null | undefined): boolean {
  if (!fromProvider || !fromCookie || fromProvider.length !== fromCookie.length) return false;
  let difference = 0;
  for (let i = 0; i < fromProvider.length; i += 1) difference |= fromProvider.charCodeAt(i) ^ fromCookie.charCodeAt(i);
  return difference === 0;
}
