/**
 * @flotilla/kit — the small kit the Worker, the node daemon, the providers and the clients
 * share: one error type (errors.ts), one retry rule and backoff (retry-rule.ts, backoff.ts), one
 * structured logger (logger.ts), and typed calls of route tables (route-client.ts). Hono route
 * registration is `@flotilla/kit/hono`. Browser-safe: web standards only.
 */
export * from './errors.js';
export { isRetryableStatus } from './retry-rule.js';
export { backoffDelayMs, retry, type BackoffOptions, type RetryOptions } from './backoff.js';
export { parseRetryAfter } from './retry-after.js';
export { consoleSink, createLogger, isLogLevel, type LogFields, type LogLevel, type Logger, type LoggerOptions, type LogSink } from './logger.js';
export { callRoute, createRouteClient, routeUrl, type RouteClient, type RouteClientOptions } from './route-client.js';
