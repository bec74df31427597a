/**
 * Calling a route of a route table (contracts routes/): the URL from the path template and its
 * params, the query string, the JSON body, a time limit — and the answer parsed with the route's
 * response schema, never cast. A refusal becomes a {@link FlotillaError} carrying the server's
 * `{error:{code,message}}`, its status and whether retrying can help (retry-rule.ts); no answer
 * at all is `unreachable` (retryable). Browser-safe: only `fetch`.
 */
import {
  ErrorBody,
  STATUS_BY_CODE,
  buildPath,
  isJsonResponse,
  type ErrorCode,
  type RouteInput,
  type RouteOutput,
  type RouteSpec,
  type RouteTable,
} from '@flotilla/contracts';
import { FlotillaError, errorMessage } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface RouteClientOptions {
  /** The server, e.g. `http://127.0.0.1:8787` (no trailing slash needed); `''` for a page's own origin. */
  baseUrl: string;
  /** Headers every call carries (e.g. `authorization`); a function is asked at every call. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Limit of one request, in ms. */
  timeoutMs: number;
  /** Aborts every call made with these options. */
  signal?: AbortSignal;
  /**
   * A GET whose connection breaks before any answer (a kept-alive socket the server had just
   * closed) is sent once more after this many ms; undefined: not sent again. Only GETs: they
   * change nothing.
   */
  getRetryDelayMs?: number;
  fetch?: typeof fetch;
}

const CODE_BY_STATUS = new Map<number, ErrorCode>(Object.entries(STATUS_BY_CODE).map(([code, status]) => [status, code as ErrorCode]));
const MAX_QUOTED_CHARS = 300;

/** The URL (path and query) of route `route` for `input`, relative to the server. */
export function routeUrl<R extends RouteSpec>(route: R, input: RouteInput<R>): string {
  const { params, query } = input as { params?: Record<string, string>; query?: Record<string, unknown> };
  const path = buildPath(route.path, params);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) search.set(name, String(value));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The FlotillaError for a refused call: the server's own error body when it sent one. */
async function refusal(route: RouteSpec, url: string, response: Response): Promise<FlotillaError> {
  const text = await response.text().catch(() => '');
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const options = { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: quoted below
  }
  const body = ErrorBody.safeParse(json);
  if (body.success) return new FlotillaError(body.data.error.code, body.data.error.message, { ...options, details: body.data.error.details });
  const quoted = text.trim().slice(0, MAX_QUOTED_CHARS);
  const code = CODE_BY_STATUS.get(response.status) ?? (response.status >= 500 ? 'unavailable' : 'bad_request');
  return new FlotillaError(code, `${route.method} ${url.split('?')[0]} answered ${response.status}${quoted ? `: ${quoted}` : ''}`, options);
}

/**
 * Call `route` on the server of `options` with `input`.
 * @returns the parsed JSON answer; null for a route answering no body; the Response of a stream route
 * @throws FlotillaError — the server's refusal (its code, message, status), `unreachable` when
 *   no answer came (retryable), `bad_response` when the answer is not what the route promises;
 *   the caller's abort reason when `options.signal` aborted
 */
export async function callRoute<R extends RouteSpec>(route: R, input: RouteInput<R>, options: RouteClientOptions): Promise<RouteOutput<R>> {
  if (typeof route.response === 'object' && 'kind' in route.response && route.response.kind === 'websocket') {
    throw new Error(`${route.method} ${route.path} is a WebSocket: open it with a WebSocket client`);
  }
  const url = routeUrl(route, input);
  const body = (input as { body?: unknown }).body;
  const doFetch = options.fetch ?? fetch;
  const headers = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
  const send = () => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    return doFetch(`${options.baseUrl.replace(/\/+$/, '')}${url}`, {
      method: route.method,
      headers: { ...headers, ...(route.body && body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(route.body && body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  };
  let response: Response;
  try {
    response = await send().catch(async (error: unknown) => {
      if (route.method !== 'GET' || options.getRetryDelayMs === undefined || !(error instanceof TypeError) || options.signal?.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.getRetryDelayMs));
      return send();
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    const why = timedOut ? `no answer within ${options.timeoutMs} ms` : errorMessage(error);
    throw new FlotillaError('unreachable', `${route.method} ${url.split('?')[0]} failed: ${why}`, { cause: error });
  }
  if (!route.status.includes(response.status) && !response.ok) throw await refusal(route, url, response);
  if (!isJsonResponse(route.response)) {
    if (route.response.kind === 'stream') return response as RouteOutput<R>;
    await response.body?.cancel();
    return null as RouteOutput<R>;
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new FlotillaError('bad_response', `${route.method} ${url.split('?')[0]} answered ${response.status} with a body that is not JSON`, { status: response.status });
  }
  const parsed = route.response.safeParse(json);
  if (!parsed.success) {
    throw new FlotillaError('bad_response', `unexpected answer from ${route.method} ${url.split('?')[0]}: ${parsed.error.message}`, { status: response.status });
  }
  return parsed.data as RouteOutput<R>;
}

/** A client with one method per route of `table`, each {@link callRoute} with `options`. */
export type RouteClient<T extends RouteTable> = { [K in keyof T]: (input: RouteInput<T[K]>) => Promise<RouteOutput<T[K]>> };

/** Build a {@link RouteClient} for `table`. */
export function createRouteClient<T extends RouteTable>(table: T, options: RouteClientOptions): RouteClient<T> {
  const client = {} as Record<string, (input: unknown) => Promise<unknown>>;
  for (const [name, spec] of Object.entries(table)) client[name] = (input) => callRoute(spec, input as RouteInput<RouteSpec>, options);
  return client as RouteClient<T>;
}
