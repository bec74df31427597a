/**
 * HTTP sender of message batches: `POST {controlPlaneUrl}/api/workspaces/:workspaceId/messages`
 * with the workspace's callback token as a Bearer token (DESIGN.md section 2, hop 4), body
 * `PersistMessageBatchRequest`, answer `PersistMessageBatchResponse`.
 *
 * It makes exactly one request per call and classifies every failure as a
 * {@link TransientSendError} or a {@link PermanentSendError}; retrying is the outbox's job.
 */
import {
  ErrorBody,
  MESSAGE_BATCH_MAX_BODY_BYTES,
  PersistMessageBatchResponse,
  type ChatMessageInput,
} from '@flotilla/contracts';
import { decodeJwt } from 'jose';
import { PermanentSendError, TransientSendError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

/** Default for `requestTimeoutMs`: how long one request may take, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Longest piece of a non-JSON error body quoted in a `PermanentSendError`, in characters. */
const MAX_QUOTED_BODY_CHARS = 300;

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

/** HTTP statuses after which the same request may succeed later. */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The server's own explanation: `error.message` of an `ErrorBody`, else the body's start. */
async function readServerMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error.message;
  } catch {
    // not JSON: quote the text below
  }
  const quoted = text.trim().slice(0, MAX_QUOTED_BODY_CHARS);
  return quoted || response.statusText || 'no error message';
}

/** Turn a fetch rejection into the right error: caller abort, timeout, or network failure. */
function classifyFetchError(
  error: unknown,
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
): unknown {
  if (callerSignal?.aborted) return callerSignal.reason;
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new TransientSendError(`message batch request timed out after ${timeoutMs} ms`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TransientSendError(`message batch request failed: ${reason}`, { cause: error });
}

/**
 * Create a sender that posts batches to the control plane.
 *
 * `send` throws:
 * - `TransientSendError` for a network error, a timeout, HTTP 5xx/408/429 (with `retryAfterMs`
 *   from `Retry-After`, seconds or HTTP date), a workspace with no token yet, a 401/403 answered
 *   to a token that has been replaced since the request left (the token rotated mid-flight), or a
 *   401 answered to a token that has expired (kept until a fresh token arrives);
 * - `PermanentSendError` for any other 4xx (400, 401, 403, 404, 413, …), a body over
 *   `MESSAGE_BATCH_MAX_BODY_BYTES` (refused locally with status 413), or a 2xx whose body is not a
 *   `PersistMessageBatchResponse`.
 */
export function createHttpMessageSender(options: HttpMessageSenderOptions): MessageSender {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const baseUrl = options.controlPlaneUrl.replace(/\/+$/, '');

  const send: SendMessages = async (workspaceId, messages, signal) => {
    const token = options.tokenFor(workspaceId);
    if (!token) {
      throw new TransientSendError(`no callback token for workspace ${workspaceId} yet`);
    }
    const body = JSON.stringify({ messages });
    const bodyBytes = Buffer.byteLength(body);
    if (bodyBytes > MESSAGE_BATCH_MAX_BODY_BYTES) {
      throw new PermanentSendError(
        413,
        `request body of ${bodyBytes} bytes exceeds ${MESSAGE_BATCH_MAX_BODY_BYTES} (refused before sending)`,
      );
    }

    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/api/workspaces/${encodeURIComponent(workspaceId)}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw classifyFetchError(error, signal, timeoutMs);
    }

    if (response.ok) {
      const json: unknown = await response.json().catch(() => undefined);
      const parsed = PersistMessageBatchResponse.safeParse(json);
      if (!parsed.success) {
        throw new PermanentSendError(response.status, 'answer is not a PersistMessageBatchResponse');
      }
      return parsed.data;
    }

    const serverMessage = await readServerMessage(response);
    const { status } = response;
    if (isTransientStatus(status)) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new TransientSendError(`control plane answered HTTP ${status}: ${serverMessage}`, {
        status,
        retryAfterMs,
      });
    }
    if ((status === 401 || status === 403) && options.tokenFor(workspaceId) !== token) {
      throw new TransientSendError(
        `control plane answered HTTP ${status} to a callback token that has since been replaced`,
        { status },
      );
    }
    if (status === 401 && tokenExpired(token)) {
      // Not the batch's fault: keep it until a fresh token arrives (a token refresh loses nothing).
      throw new TransientSendError('control plane answered HTTP 401 to an expired callback token; keeping the batch for a fresh token', { status });
    }
    throw new PermanentSendError(status, serverMessage);
  };

  return { send };
}
