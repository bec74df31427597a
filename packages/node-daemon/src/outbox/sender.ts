/**
 * HTTP sender of message batches: route `persistMessages` of the `callbackApi` table
 * (`POST /api/workspaces/:workspaceId/messages`, DESIGN.md section 2, hop 4) called with the
 * kit's `callRoute`, the workspace's callback token as a Bearer token, body
 * `PersistMessageBatchRequest`, answer parsed as `PersistMessageBatchResponse`.
 *
 * It makes exactly one request per call and classifies every failure as a
 * {@link TransientSendError} or a {@link PermanentSendError}; retrying is the outbox's job.
 */
import { MESSAGE_BATCH_MAX_BODY_BYTES, callbackApi, type ChatMessageInput, type PersistMessageBatchResponse } from '@flotilla/contracts';
import { FlotillaError, callRoute, errorMessage } from '@flotilla/kit';
import { decodeJwt } from 'jose';
import { PermanentSendError, TransientSendError } from './errors.js';

/** Default for `requestTimeoutMs`: how long one request may take, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Deliver one batch of one workspace's messages.
 *
 * @param signal aborts the request; the promise then rejects with the signal's reason.
 * @throws TransientSendError | PermanentSendError
 */
export type SendMessages = (
  workspaceId: string,
  messages: readonly ChatMessageInput[],
  signal?: AbortSignal,
) => Promise<PersistMessageBatchResponse>;

export interface HttpMessageSenderOptions {
  /** Base URL of the control plane, e.g. `http://127.0.0.1:8787` (a path prefix is kept). */
  controlPlaneUrl: string;
  /**
   * The current callback token of a workspace, or undefined when there is none yet. Asked at
   * every attempt, so a rotated token is picked up by the next request.
   */
  tokenFor: (workspaceId: string) => string | undefined;
  /** `fetch` implementation; default the global one. */
  fetch?: typeof globalThis.fetch;
  /** How long one request may take before it counts as a transient timeout, in milliseconds. */
  requestTimeoutMs?: number;
}

export interface MessageSender {
  send: SendMessages;
}

/** True when `token` is a JWT whose `exp` has passed (read without verifying; false otherwise). */
function tokenExpired(token: string, nowMs: number = Date.now()): boolean {
  try {
    const { exp } = decodeJwt(token);
    return exp !== undefined && exp * 1000 <= nowMs;
  } catch {
    return false;
  }
}

interface Attempt {
  workspaceId: string;
  /** The token the request carried. */
  token: string;
  tokenFor: HttpMessageSenderOptions['tokenFor'];
  timeoutMs: number;
}

/**
 * Classify a failure of `callRoute` (a FlotillaError: a refusal, `unreachable` or
 * `bad_response`). A refusal is transient by the kit's one rule (408, 429, 5xx — with the
 * server's `Retry-After`), and so are a 401/403 answered to a token replaced since the request
 * left and a 401 answered to a token that has expired; any other refusal is permanent.
 */
function classify(error: unknown, attempt: Attempt): TransientSendError | PermanentSendError {
  if (!(error instanceof FlotillaError)) return new TransientSendError(`message batch request failed: ${errorMessage(error)}`, { cause: error });
  if (error.code === 'unreachable') {
    const timedOut = error.cause instanceof DOMException && error.cause.name === 'TimeoutError';
    return timedOut
      ? new TransientSendError(`message batch request timed out after ${attempt.timeoutMs} ms`, { cause: error })
      : new TransientSendError(`message batch request failed: ${error.message}`, { cause: error });
  }
  if (error.code === 'bad_response') return new PermanentSendError(error.status, 'answer is not a PersistMessageBatchResponse');
  const { status } = error;
  if (error.retryable) {
    return new TransientSendError(`control plane answered HTTP ${status}: ${error.message}`, { status, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) });
  }
  if ((status === 401 || status === 403) && attempt.tokenFor(attempt.workspaceId) !== attempt.token) {
    return new TransientSendError(`control plane answered HTTP ${status} to a callback token that has since been replaced`, { status });
  }
  if (status === 401 && tokenExpired(attempt.token)) {
    // Not the batch's fault: keep it until a fresh token arrives (a token refresh loses nothing).
    return new TransientSendError('control plane answered HTTP 401 to an expired callback token; keeping the batch for a fresh token', { status });
  }
  return new PermanentSendError(status, error.message);
}

/**
 * Create a sender that posts batches to the control plane.
 *
 * `send` throws:
 * - `TransientSendError` for no answer (a network error, a timeout), HTTP 5xx/408/429 (with
 *   `retryAfterMs` from `Retry-After`, seconds or HTTP date), a workspace with no token yet, a
 *   401/403 answered to a token that has been replaced since the request left (the token rotated
 *   mid-flight), or a 401 answered to a token that has expired (kept until a fresh token arrives);
 * - `PermanentSendError` for any other 4xx (400, 401, 403, 404, 413, …), a body over
 *   `MESSAGE_BATCH_MAX_BODY_BYTES` (refused locally with status 413), or a 2xx whose body is not a
 *   `PersistMessageBatchResponse`;
 * - the signal's reason when `signal` aborts.
 */
export function createHttpMessageSender(options: HttpMessageSenderOptions): MessageSender {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  const send: SendMessages = async (workspaceId, messages, signal) => {
    const token = options.tokenFor(workspaceId);
    if (!token) {
      throw new TransientSendError(`no callback token for workspace ${workspaceId} yet`);
    }
    const body = { messages: [...messages] };
    const bodyBytes = Buffer.byteLength(JSON.stringify(body));
    if (bodyBytes > MESSAGE_BATCH_MAX_BODY_BYTES) {
      throw new PermanentSendError(413, `request body of ${bodyBytes} bytes exceeds ${MESSAGE_BATCH_MAX_BODY_BYTES} (refused before sending)`);
    }
    try {
      return await callRoute(callbackApi.persistMessages, { params: { workspaceId }, body }, {
        baseUrl: options.controlPlaneUrl,
        headers: { authorization: `Bearer ${token}` },
        timeoutMs,
        ...(signal ? { signal } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw classify(error, { workspaceId, token, tokenFor: options.tokenFor, timeoutMs });
    }
  };

  return { send };
}
