/**
 * The web app's client of the control plane's public API: the shared typed client
 * (`@flotilla/api-client`), on this page's own origin, so the session cookie of
 * {@link api.signIn} goes along when the API requires its token.
 */
import { ApiError, FlotillaClient } from '@flotilla/api-client';

export { ApiError, isUnauthorized } from '@flotilla/api-client';

export const api = new FlotillaClient('');

/** One line for an error shown to the user. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
