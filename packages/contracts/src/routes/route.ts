/**
 * Route tables: every HTTP boundary of Flotilla is one table of routes — method, path, path
 * params, query, request body, response, success status and who may call it (`auth`). Servers
 * register their handlers from the table (@flotilla/kit/hono `registerRoutes`: validation,
 * auth per route, errors), clients call through it (@flotilla/kit `callRoute`: every answer
 * parsed with the route's response schema), and tests check the README's API table against it.
 *
 * The tables: `publicApi` (public-api.ts), `nodeDaemonApi` (node-daemon-api.ts), `callbackApi`
 * (callbacks.ts), and `localCloudApi` (local-cloud.ts: the CLI's local cloud for the `local`
 * provider).
 */
import * as z from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route (DESIGN.md §5):
 * - `public`: anyone (health, JWKS, sign-in, the daemon download a VM fetches at boot);
 * - `apiToken`: the public API — with FLOTILLA_API_TOKEN set, its bearer token or the session
 *   cookie of `POST /api/session`;
 * - `nodeToken`: a node daemon's callback JWT (audience `workspace-callback`) whose `sub` is the
 *   route's `:nodeId`;
 * - `workspaceToken`: a callback JWT scoped to the route's workspace (`:workspaceId`, or for the
 *   task callback the task's workspace);
 * - `nodeManagement`: the control plane calling a node daemon (audience `node-management`, `sub`
 *   this node);
 * - `viewerToken`: a browser on a workspace's direct channel (audience `workspace-terminal`);
 * - `localCloud`: the control plane calling the CLI's local cloud, with the secret they share.
 */
export type AuthKind = 'public' | 'apiToken' | 'nodeToken' | 'workspaceToken' | 'nodeManagement' | 'viewerToken' | 'localCloud';

/** A response that is not one JSON document: no body, a WebSocket upgrade, or a byte stream. */
export type RawResponse = { kind: 'empty' } | { kind: 'websocket' } | { kind: 'stream'; contentType: string };

export interface RouteSpec {
  method: HttpMethod;
  /** Path template, `:name` for a path parameter: `/api/projects/:projectId/tasks`. */
  path: string;
  auth: AuthKind;
  /**
   * Path parameters, when some need more than "a non-empty string of at most
   * {@link MAX_PATH_PARAM_CHARS} characters" (an enum, a host name): an object schema by name.
   */
  params?: z.ZodType<Record<string, unknown>, Record<string, string>>;
  /** Query parameters (from strings: use `z.coerce` for numbers). */
  query?: z.ZodType;
  /** JSON request body. */
  body?: z.ZodType;
  /** Largest request body accepted, in bytes (413 above it); default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  /** JSON response schema, or a raw response. */
  response: z.ZodType | RawResponse;
  /** Success statuses; the first is the usual one (a handler may answer another of them). */
  status: readonly [number, ...number[]];
  /** One line: what the route does (the README's API table says more). */
  summary: string;
}

/** Default request body limit of a route: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Longest path parameter accepted (ids are far shorter); longer ones are refused with 400. */
export const MAX_PATH_PARAM_CHARS = 200;

/** Define a route, keeping its literal path and schemas in the type. */
export function route<const R extends RouteSpec>(spec: R): R {
  return spec;
}

/** A table of routes, by name. */
export type RouteTable = Record<string, RouteSpec>;

type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** Path parameters of a path template: `PathParams<'/a/:x/b/:y'>` is `{x: string; y: string}`. */
export type PathParams<P extends string> = { [K in ParamNames<P>]: string };

/** The names of a path template's parameters, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
}

/** True when `response` is a JSON schema rather than a raw response. */
export function isJsonResponse(response: RouteSpec['response']): response is z.ZodType {
  return response instanceof z.ZodType;
}

type Empty = Record<never, never>;

/** What a client passes to call route `R`: its path params, query and body (each only when the route has them). */
export type RouteInput<R extends RouteSpec> = ([ParamNames<R['path']>] extends [never] ? Empty : { params: PathParams<R['path']> }) &
  (R['query'] extends z.ZodType ? { query?: z.input<R['query']> } : Empty) &
  (R['body'] extends z.ZodType ? { body: z.input<R['body']> } : Empty);

/** What a server handler of route `R` receives, validated: params, query and body. */
export interface ValidRequest<R extends RouteSpec> {
  params: R['params'] extends z.ZodType ? z.output<R['params']> : PathParams<R['path']>;
  query: R['query'] extends z.ZodType ? z.output<R['query']> : Empty;
  body: R['body'] extends z.ZodType ? z.output<R['body']> : undefined;
}

/** What a client gets from route `R`: the parsed JSON answer, or for a raw response, nothing (empty) / the Response. */
export type RouteOutput<R extends RouteSpec> = R['response'] extends z.ZodType
  ? z.output<R['response']>
  : R['response'] extends { kind: 'empty' }
    ? null
    : Response;

/** What a server handler of route `R` answers with: a JSON value its schema accepts, null (no body), or a Response. */
export type RouteResult<R extends RouteSpec> = R['response'] extends z.ZodType
  ? z.input<R['response']>
  : R['response'] extends { kind: 'empty' }
    ? null
    : Response;

/** Fill a path template with its (URI-encoded) parameters. @throws Error naming a missing parameter */
export function buildPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`path parameter ${name} of ${path} is missing`);
    return encodeURIComponent(value);
  });
}
