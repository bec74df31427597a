/**
 * One error type for the Worker, the node daemon and the providers: a code from the contracts'
 * `ErrorCode` (what an HTTP answer says), the HTTP status, and whether trying again can help
 * (`retryable`). Servers turn it into `{"error":{"code","message"}}` in one place
 * (kit/hono `errorHandler`); clients get it back from `callRoute`; retry loops and the
 * TaskRunner ask {@link isRetryable}.
 *
 * Errors lose their class across a Durable Object RPC call (only name and message survive), so a
 * Durable Object that can fail in an expected way answers an {@link Outcome} — plain data — and
 * its caller turns a failure back into a FlotillaError with {@link unwrap}.
 */
import { STATUS_BY_CODE, type ErrorBody, type ErrorCode } from '@flotilla/contracts';
import { isRetryableStatus } from './retry-rule.js';

/**
 * Codes of failures: an `ErrorCode` answered by a server of ours, or, seen by a client,
 * `unreachable` (no answer: network error, timeout) and `bad_response` (an answer that is not
 * what the route promises).
 */
export type FailureCode = ErrorCode | 'unreachable' | 'bad_response';

/** A FlotillaError as plain data: what crosses a Durable Object call or a log line. */
export interface ErrorData {
  code: FailureCode;
  message: string;
  /** HTTP status: the one answered, the one a server answers with, or 0 when no answer came. */
  status: number;
  retryable: boolean;
  /** How long the server asked to wait before trying again (`Retry-After`), in ms, when it said. */
  retryAfterMs?: number;
  details?: unknown;
}

export interface FlotillaErrorOptions {
  /** Default: the code's status (contracts `STATUS_BY_CODE`), 0 for `unreachable`. */
  status?: number;
  /** Default: {@link isRetryableStatus} of the status; true for `unreachable`; false for `bad_response`. */
  retryable?: boolean;
  /** `Retry-After` of the answer, in ms. */
  retryAfterMs?: number;
  details?: unknown;
  cause?: unknown;
}

function defaultStatus(code: FailureCode): number {
  if (code === 'unreachable') return 0;
  if (code === 'bad_response') return 502;
  return STATUS_BY_CODE[code];
}

export class FlotillaError extends Error {
  override readonly name = 'FlotillaError';
  readonly code: FailureCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(code: FailureCode, message: string, options: FlotillaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? defaultStatus(code);
    this.retryable = options.retryable ?? (code === 'unreachable' ? true : code === 'bad_response' ? false : isRetryableStatus(this.status));
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  /** True when the answer was 404: the route does not exist (yet) on this server, or the thing is gone. */
  get notFound(): boolean {
    return this.status === 404;
  }

  /** True when the answer was 401: the caller must (again) present its token. */
  get unauthorized(): boolean {
    return this.status === 401;
  }

  /** This error as plain data (see {@link fromErrorData}). */
  toData(): ErrorData {
    return {
      code: this.code,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }

  /** The HTTP answer body of this error; client-side codes become `unavailable` / `internal`. */
  toBody(): ErrorBody {
    const code: ErrorCode = this.code === 'unreachable' ? 'unavailable' : this.code === 'bad_response' ? 'internal' : this.code;
    return { error: { code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Rebuild a FlotillaError from its plain data (after a Durable Object call). */
export function fromErrorData(data: ErrorData): FlotillaError {
  return new FlotillaError(data.code, data.message, { status: data.status, retryable: data.retryable, retryAfterMs: data.retryAfterMs, details: data.details });
}

export const badRequest = (message: string, details?: unknown) => new FlotillaError('bad_request', message, { details });
export const unauthorized = (message: string) => new FlotillaError('unauthorized', message);
export const forbidden = (message: string) => new FlotillaError('forbidden', message);
export const notFound = (message: string) => new FlotillaError('not_found', message);
export const conflict = (message: string) => new FlotillaError('conflict', message);
export const payloadTooLarge = (message: string) => new FlotillaError('payload_too_large', message);
export const unsupportedMediaType = (message: string) => new FlotillaError('unsupported_media_type', message);
/** 503: a dependency is down or not configured; `retryable` says whether waiting can help (default yes). */
export const unavailable = (message: string, options: { retryable?: boolean } = {}) => new FlotillaError('unavailable', message, options);
/** A failure that may succeed when tried again (a node not reachable yet, a provider's 5xx). */
export const transientFailure = (message: string, cause?: unknown) => new FlotillaError('unavailable', message, { retryable: true, cause });
/** A failure that will not succeed when tried again (a missing setting, a refused credential). */
export const permanentFailure = (message: string, cause?: unknown) => new FlotillaError('internal', message, { retryable: false, cause });

/**
 * Whether trying again may help: a FlotillaError (or its data) says so itself; a connection
 * failure of `fetch` (TypeError) or a timeout/abort is retryable; any other thrown value is
 * retryable too — an unknown failure (a Durable Object reset, a lost D1 connection) is retried
 * until its caller's time limit rather than failing at once.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof FlotillaError) return error.retryable;
  if (isErrorData(error)) return error.retryable;
  return true;
}

/** True when `value` has the shape of {@link ErrorData}. */
export function isErrorData(value: unknown): value is ErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ErrorData>;
  return typeof v.code === 'string' && typeof v.message === 'string' && typeof v.status === 'number' && typeof v.retryable === 'boolean';
}

/** A readable one-line message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** The answer of a Durable Object method that can fail in an expected way: plain data both ways. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (error: FlotillaError): Outcome<never> => ({ ok: false, error: error.toData() });

/** The value of an outcome, or its failure thrown as a FlotillaError. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw fromErrorData(outcome.error);
}

/** Run `fn` and answer its outcome: a FlotillaError it throws becomes a failure; anything else is rethrown. */
export async function toOutcome<T>(fn: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return succeed(await fn());
  } catch (error) {
    if (error instanceof FlotillaError) return fail(error);
    throw error;
  }
}
