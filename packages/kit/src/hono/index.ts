/**
 * @flotilla/kit/hono — serving route tables with Hono: registration with auth per route and
 * validation (register.ts), bodies with size limits (body.ts), errors as answers (errors.ts).
 */
export { registerRoutes, reply, type RegisterRoutesOptions, type Reply, type RouteHandler, type RouteHandlers } from './register.js';
export { discardUnreadBody, MAX_DISCARDED_BODY_BYTES, parseJsonBody, parseWith, readTextCapped } from './body.js';
export { errorHandler, notFoundHandler } from './errors.js';
