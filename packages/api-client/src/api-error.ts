/** A refusal or failure of the control plane's public API, as the clients see it. */

export class ApiError extends Error {
  /**
   * @param status - the HTTP status (0 when no answer came)
   * @param code - the API's error code (`{"error":{"code"}}`), or `internal` / `bad_response`
   *   when the answer was not the API's error shape or not the expected shape
   * @param message - the API's own message, meant for the user
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the route does not exist (yet) on this server, or the thing is gone. */
  get notFound(): boolean {
    return this.status === 404;
  }

  /** True when the API wants its token: none sent (or an expired session), or a wrong one. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

/** True when `error` is the API's 401 (see {@link ApiError.unauthorized}). */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.unauthorized;
}
