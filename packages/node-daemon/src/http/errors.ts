/**
 * Error responses of the daemon's HTTP API: always `{error:{code,message}}` (contracts
 * errors.ts `ErrorBody`), never a 500 for bad input.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorBody, describeZodError } from '@flotilla/contracts';
import type { z } from 'zod';
import { DaemonError, badRequest } from '../errors.js';
import type { Logger } from '../logger.js';

function respond(c: Context, error: DaemonError): Response {
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
  };
  return c.json(body, error.status as ContentfulStatusCode);
}

/** `app.onError`: DaemonError → its status and code; anything else → 500 `internal`, logged. */
export function errorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof DaemonError) return respond(c, error);
    logger.error('unhandled error in request', { method: c.req.method, path: c.req.path, error: error.message });
    return respond(c, new DaemonError('internal', 'internal error'));
  };
}

/** `app.notFound`: unknown route → 404 `not_found`. */
export const notFoundHandler: NotFoundHandler = (c) =>
  respond(c, new DaemonError('not_found', `no route for ${c.req.method} ${c.req.path}`));

/**
 * Read the request body as JSON and validate it with a contracts schema.
 *
 * @throws DaemonError bad_request naming the problem (not JSON, or which field is wrong).
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw badRequest('request body must be valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(describeZodError(parsed.error));
  return parsed.data;
}
