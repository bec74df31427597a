/**
 * Errors as HTTP answers, in one place for every Hono app of ours: a FlotillaError becomes its
 * status and `{"error":{"code","message","details"?}}`; anything else a 500 `internal` (logged,
 * its message not shown). Unknown routes answer 404 the same way.
 */
import type { ErrorBody } from '@flotilla/contracts';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { FlotillaError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { discardUnreadBody } from './body.js';

function respond(c: Context, error: FlotillaError): Response {
  return c.json(error.toBody(), error.status as ContentfulStatusCode);
}

/** `app.onError`: FlotillaError → its status and body; anything else → 500 `internal`, logged. */
export function errorHandler(logger: Logger): ErrorHandler {
  return async (error, c) => {
    // A body nobody read (a refusal before parsing) is read out first, so the answer reaches the client.
    await discardUnreadBody(c.req.raw);
    if (error instanceof FlotillaError && error.status >= 400 && error.status < 600) return respond(c, error);
    logger.error('unhandled error in request', { method: c.req.method, path: new URL(c.req.url).pathname, error: errorMessage(error) });
    const body: ErrorBody = { error: { code: 'internal', message: 'internal error' } };
    return c.json(body, 500);
  };
}

/** `app.notFound`: 404 `not_found` naming the method and path. */
export const notFoundHandler: NotFoundHandler = async (c) => {
  await discardUnreadBody(c.req.raw);
  return respond(c, new FlotillaError('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
};
