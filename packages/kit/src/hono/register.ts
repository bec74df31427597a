/**
 * Serving a route table with Hono: for each route, the auth middleware of its `auth` kind, then
 * validation — path params (each a non-empty string of at most 200 characters, or the route's own
 * schema), query, the media type of any request that may carry a body (JSON or nothing: 415 for
 * a form or text, on every route but GET, whether it takes a body or not), JSON body
 * with its size limit — then the handler, whose answer is sent as JSON with the route's status.
 * Refusals are FlotillaErrors (400/401/403/404/413/415), answered by errors.ts `errorHandler`.
 */
import {
  MAX_PATH_PARAM_CHARS,
  isJsonResponse,
  pathParamNames,
  type AuthKind,
  type RouteResult,
  type RouteSpec,
  type RouteTable,
  type ValidRequest,
} from '@flotilla/contracts';
import type { Context, Env, Hono, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { badRequest } from '../errors.js';
import { parseJsonBody, parseWith, requireJsonMediaType } from './body.js';

const REPLY = Symbol('reply');

/** A handler's answer with a status other than the route's first (one of the route's `status`). */
export interface Reply<T> {
  readonly [REPLY]: true;
  readonly status: number;
  readonly value: T;
}

/** Answer `value` with `status` (which must be one of the route's statuses). */
export function reply<T>(value: T, status: number): Reply<T> {
  return { [REPLY]: true, status, value };
}

function isReply(value: unknown): value is Reply<unknown> {
  return typeof value === 'object' && value !== null && REPLY in value;
}

/** A handler of route `R`: the validated request in, the answer out. */
export type RouteHandler<R extends RouteSpec, E extends Env> = (
  request: ValidRequest<R>,
  c: Context<E>,
) => RouteResult<R> | Reply<RouteResult<R>> | Promise<RouteResult<R> | Reply<RouteResult<R>>>;

type WebSocketRoutes<T extends RouteTable> = { [K in keyof T]: T[K]['response'] extends { kind: 'websocket' } ? K : never }[keyof T];

/**
 * Handlers for every route of table `T`. WebSocket routes may be left out: a server that
 * upgrades them outside Hono (the node daemon's `ws` servers) serves them itself.
 */
export type RouteHandlers<T extends RouteTable, E extends Env> = { [K in Exclude<keyof T, WebSocketRoutes<T>>]: RouteHandler<T[K], E> } & {
  [K in WebSocketRoutes<T>]?: RouteHandler<T[K], E>;
};

export interface RegisterRoutesOptions<E extends Env> {
  /** The middleware that admits a caller of each auth kind the table uses (`public` needs none). */
  auth: Partial<Record<Exclude<AuthKind, 'public'>, MiddlewareHandler<E>>>;
}

function validParams(spec: RouteSpec, c: Context): Record<string, unknown> {
  const raw: Record<string, string> = {};
  for (const name of pathParamNames(spec.path)) {
    const value = c.req.param(name) ?? '';
    if (value.length === 0 || value.length > MAX_PATH_PARAM_CHARS) throw badRequest(`${name}: must be 1 to ${MAX_PATH_PARAM_CHARS} characters`);
    raw[name] = value;
  }
  return spec.params ? parseWith(spec.params, raw) : raw;
}

/**
 * Register every route of `table` that has a handler on `app`, in the table's order (which
 * matters where a literal segment and a parameter compete: `/sessions/ws` before `/sessions/:id`).
 * @throws Error at registration when a route's auth kind has no middleware in `options.auth`
 */
export function registerRoutes<E extends Env, T extends RouteTable>(app: Hono<E>, table: T, handlers: RouteHandlers<T, E>, options: RegisterRoutesOptions<E>): void {
  for (const [name, spec] of Object.entries(table)) {
    const handler = (handlers as Record<string, RouteHandler<RouteSpec, E> | undefined>)[name];
    if (!handler) continue;
    const auth = spec.auth === 'public' ? [] : [options.auth[spec.auth]];
    if (auth.some((middleware) => middleware === undefined)) throw new Error(`route ${name} (${spec.method} ${spec.path}) needs auth ${spec.auth}, which this server has no middleware for`);
    const handlersOfRoute: MiddlewareHandler<E>[] = [...(auth as MiddlewareHandler<E>[]), async (c: Context<E>) => {
      const params = validParams(spec, c);
      const query = spec.query ? parseWith(spec.query, c.req.query()) : {};
      if (spec.method !== 'GET') requireJsonMediaType(c.req.raw);
      const body = spec.body ? await parseJsonBody(c, spec.body, spec.maxBodyBytes) : undefined;
      const request = { params, query, body } as ValidRequest<RouteSpec>;
      const result = await handler(request, c);
      const { status, value } = isReply(result) ? result : { status: spec.status[0], value: result };
      if (value instanceof Response) return value;
      if (!isJsonResponse(spec.response) || value === null || value === undefined) return c.body(null, status as StatusCode);
      return c.json(value as object, status as ContentfulStatusCode);
    }];
    (app.on as (method: string, path: string, ...handlers: MiddlewareHandler<E>[]) => unknown).call(app, spec.method, spec.path, ...handlersOfRoute);
  }
}
