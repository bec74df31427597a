/**
 * @flotilla/kit/hono — serving route tables with Hono: registration with auth per route and
 * validation (register.ts), bodies with size limits and media types (body.ts), errors as answers
 * (errors.ts), and the Host/Origin check of browser requests (request-origin.ts).
 */
export { registerRoutes, reply, type RegisterRoutesOptions, type Reply, type RouteHandler, type RouteHandlers } from './register.js';
export { discardUnreadBody, isJsonMediaType, MAX_DISCARDED_BODY_BYTES, parseJsonBody, parseWith, readTextCapped, requireJsonMediaType } from './body.js';
export { checkRequestOrigin, type RequestOriginOptions } from './request-origin.js';
export { errorHandler, notFoundHandler } from './errors.js';
