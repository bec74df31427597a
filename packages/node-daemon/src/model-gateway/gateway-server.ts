/**
 * The model gateway of one workspace (DESIGN.md §7): the only way its agent reaches a model. The
 * agent holds a random workspace token instead of a credential; the gateway checks it (constant
 * time), removes it, adds the node's real credential for the upstream (upstream.ts), forwards the
 * request to the real API and streams the answer back unchanged as it arrives (server-sent events
 * included: every chunk is written on at once, nothing is buffered), and records the usage the
 * answer reports in `model_usage`, one row per request.
 *
 * The agent gets API-shaped JSON errors it can show: 401 (not the workspace token), 400 (a path
 * that is not a plain absolute path), 413 (body over MODEL_GATEWAY_MAX_BODY_BYTES), 502 (the
 * upstream cannot be reached), 503 (no agent of the workspace was set up to use it), 504 (no full
 * answer within MODEL_GATEWAY_REQUEST_TIMEOUT_MS). The body is `{"type":"error","error":{"type",
 * "code","message"}}`: Anthropic's and OpenAI's error shape and Flotilla's `{error:{code,message}}`
 * at once.
 */
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform, pipeline } from 'node:stream';
import { errorMessage, type Logger } from '@flotilla/kit';
import type { ModelGatewayConfig } from '../config.js';
import type { ModelUsageRow } from '../db/model-usage-store.js';
import { endToEndHeaders } from '../http/hop-by-hop.js';
import { presentedToken, tokenMatches } from './gateway-token.js';
import { emptyUsage, type ModelCredential, type ModelUpstream, type UsageMeter } from './upstream.js';

/** Where the requests of the agent now running in the workspace go, and whom their usage is for. */
export interface GatewayRoute {
  upstream: ModelUpstream;
  /** Base URL of the real API (no trailing slash); the agent's request path is appended. */
  baseUrl: string;
  /** The node's credential for it; null: forwarded without one (the upstream then says what it needs). */
  credential: ModelCredential | null;
  agentSessionId: string | null;
  taskId: string | null;
}

export interface ModelGatewayOptions {
  workspaceId: string;
  /** The workspace token (gateway-token.ts); never logged. */
  token: string;
  /** The current route; null until an agent of the workspace is started. */
  route(): GatewayRoute | null;
  limits: ModelGatewayConfig;
  usage: { record(row: ModelUsageRow): void };
  logger: Logger;
}

/** Headers of the agent's request never sent upstream: its credential (the token, in any API's header), Host, and Accept-Encoding (the gateway asks for identity, to read usage). */
const NOT_FORWARDED = ['host', 'x-api-key', 'x-goog-api-key', 'authorization', 'accept-encoding'];

/** Send `{"type":"error","error":{type,code,message}}` with `status`, or cut the answer when it has begun. */
function sendError(res: ServerResponse, status: number, type: string, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'error', error: { type, code, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The upstream URL of `path` (origin-form, with its query), or null when the path could leave the base path. */
function upstreamUrl(baseUrl: string, path: string): URL | null {
  if (!path.startsWith('/') || path.startsWith('//')) return null;
  const pathname = path.split('?')[0] ?? '';
  let segments: string[];
  try {
    segments = pathname.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
  if (segments.some((segment) => segment === '.' || segment === '..')) return null;
  const base = new URL(baseUrl);
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`);
}

/** A stream step that hands every chunk to `each` and passes it on unchanged. */
function tap(each: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      each(chunk);
      done(null, chunk);
    },
  });
}

/** The gateway's HTTP server (not listening yet: the caller binds it to a Unix socket or a loopback port). */
export function createModelGateway(options: ModelGatewayOptions): Server {
  const logger = options.logger.child({ component: 'model-gateway', workspaceId: options.workspaceId });
  const { limits } = options;

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '';
    const pathForLog = path.split('?')[0];
    if (!tokenMatches(presentedToken(req.headers), options.token)) {
      logger.warn('model request refused: not the workspace token', { method: req.method, path: pathForLog });
      req.resume();
      sendError(res, 401, 'authentication_error', 'unauthorized', 'this model gateway takes only its workspace token');
      return;
    }
    const route = options.route();
    if (!route) {
      req.resume();
      sendError(res, 503, 'api_error', 'unavailable', 'no agent of this workspace is set up to use the model gateway');
      return;
    }
    const target = upstreamUrl(route.baseUrl, path);
    if (!target) {
      req.resume();
      sendError(res, 400, 'invalid_request_error', 'bad_request', 'the model gateway takes absolute paths without "." or ".." segments');
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) {
      req.resume();
      sendError(res, 413, 'request_too_large', 'payload_too_large', `the request body is larger than the model gateway takes (${limits.maxBodyBytes} bytes)`);
      return;
    }

    const startedAt = Date.now();
    let meter: UsageMeter | null = null;
    let outcome: 'answered' | 'too_large' | 'timeout' | 'client_gone' | 'unreachable' = 'answered';
    let recorded = false;
    const record = (status: number): void => {
      if (recorded) return;
      recorded = true;
      const used = meter?.finish() ?? emptyUsage();
      options.usage.record({ workspaceId: options.workspaceId, agentSessionId: route.agentSessionId, taskId: route.taskId, status, ...used });
      logger.debug('model request', { method: req.method, path: pathForLog, status, upstream: route.upstream.kind, model: used.model, inputTokens: used.inputTokens, outputTokens: used.outputTokens, ms: Date.now() - startedAt });
    };

    const abort = new AbortController();
    const timer = setTimeout(() => {
      outcome = 'timeout';
      abort.abort();
    }, limits.requestTimeoutMs);
    res.once('close', () => {
      clearTimeout(timer);
      if (res.writableFinished) return;
      if (outcome === 'answered') outcome = 'client_gone';
      abort.abort();
    });

    const headers: OutgoingHttpHeaders = {
      ...endToEndHeaders(req.headers, NOT_FORWARDED),
      'accept-encoding': 'identity',
      ...(route.credential ? route.upstream.credentialHeaders(route.credential, req.headers) : {}),
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(target, { method: req.method, headers, signal: abort.signal });

    upstream.once('response', (answer) => {
      const status = answer.statusCode ?? 502;
      meter = route.upstream.meter(answer.headers['content-type'], limits.maxBodyBytes);
      const onChunk = meter.push.bind(meter);
      res.writeHead(status, answer.statusMessage, endToEndHeaders(answer.headers));
      res.flushHeaders();
      pipeline(answer, tap(onChunk), res, (error) => {
        clearTimeout(timer);
        if (error && outcome !== 'client_gone') logger.warn('model answer cut', { path: pathForLog, status, reason: outcome, error: errorMessage(error) });
        record(status);
      });
    });
    upstream.on('error', (error) => {
      clearTimeout(timer);
      if (res.headersSent) return; // the answer's pipeline reports it
      if (outcome === 'answered') outcome = 'unreachable';
      if (outcome === 'too_large') {
        sendError(res, 413, 'request_too_large', 'payload_too_large', `the request body is larger than the model gateway takes (${limits.maxBodyBytes} bytes)`);
        record(413);
      } else if (outcome === 'timeout') {
        sendError(res, 504, 'api_error', 'unavailable', `the model API did not answer within ${limits.requestTimeoutMs} ms`);
        record(504);
      } else if (outcome === 'unreachable') {
        logger.warn('model API unreachable', { upstream: route.upstream.kind, origin: target.origin, error: errorMessage(error) });
        sendError(res, 502, 'api_error', 'bad_gateway', `the model gateway could not reach ${target.origin}: ${errorMessage(error)}`);
        record(502);
      } else {
        record(499);
      }
    });

    // The body streams on as it comes (pipe: an upstream failure must not destroy the agent's
    // connection, which still gets its error answer); past the limit, the rest is read and dropped.
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > limits.maxBodyBytes && outcome === 'answered') {
        outcome = 'too_large';
        req.unpipe(upstream);
        abort.abort();
      }
    });
    upstream.on('error', () => req.unpipe(upstream));
    req.on('error', () => abort.abort());
    req.pipe(upstream);
  };

  return createServer((req, res) => {
    try {
      forward(req, res);
    } catch (error) {
      logger.error('model request failed', { error: errorMessage(error) });
      sendError(res, 502, 'api_error', 'bad_gateway', 'the model gateway failed to forward the request');
    }
  });
}
