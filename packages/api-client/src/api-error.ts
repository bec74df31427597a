/**
 * A refusal or failure of the control plane's public API, as the clients see it: the kit's one
 * error type, under the name the web app and the CLI know. `status` is the HTTP status (0 when
 * no answer came), `code` the API's error code (`{"error":{"code"}}`) — or, seen by the client,
 * `unreachable` (no answer) and `bad_response` (an answer the route does not promise) —,
 * `message` the API's own message, meant for the user; `notFound` and `unauthorized` read the
 * status.
 */
import { FlotillaError } from '@flotilla/kit';

/** An error of the public API: the kit's {@link FlotillaError} (`instanceof ApiError` holds for every FlotillaError). */
export const ApiError = FlotillaError;
export type ApiError = FlotillaError;

/** True when `error` is the API's 401: it wants its token (none sent, an expired session, or a wrong one). */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof FlotillaError && error.unauthorized;
}
