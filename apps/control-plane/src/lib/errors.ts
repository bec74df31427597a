/**
 * One error class for HTTP answers (mapped to `{error:{code,message}}` in `app.onError`), and
 * domain errors that say whether retrying can help (the TaskRunner retries only transient ones).
 */
import { STATUS_BY_CODE, type ErrorCode } from '@flotilla/contracts';

export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = STATUS_BY_CODE[code];
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError('bad_request', message, details);
export const notFound = (message: string) => new HttpError('not_found', message);
export const conflict = (message: string) => new HttpError('conflict', message);
export const unauthorized = (message: string) => new HttpError('unauthorized', message);
export const forbidden = (message: string) => new HttpError('forbidden', message);

/** A failure that may succeed when tried again (network error, 5xx, 429). */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientError';
  }
}

/** A failure that will not succeed when tried again. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}
