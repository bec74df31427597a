/**
 * The daemon's one error class. Services throw it with a contracts `ErrorCode`; the HTTP layer
 * turns it into `{error:{code,message}}` with the status from `STATUS_BY_CODE` (contracts
 * errors.ts). Anything else that reaches the HTTP layer is an internal error.
 */
import { type ErrorCode, STATUS_BY_CODE } from '@flotilla/contracts';

export class DaemonError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DaemonError';
  }

  /** HTTP status for this error's code. */
  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export const badRequest = (message: string, details?: unknown): DaemonError =>
  new DaemonError('bad_request', message, details);
export const notFound = (message: string): DaemonError => new DaemonError('not_found', message);
export const conflict = (message: string): DaemonError => new DaemonError('conflict', message);

/** A readable one-line message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
