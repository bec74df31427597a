/**
 * Calls from the node daemon to the control plane (contracts node.ts, "node daemon → control
 * plane"): node ready, heartbeat, workspace ready, task callback. Each call carries a Bearer
 * token of audience `workspace-callback`: the node's own token for node calls, the workspace's
 * token (from `CreateWorkspaceRequest.callbackToken`) for workspace and task calls.
 *
 * Transient failures (network errors, 5xx, 408, 429) are retried with exponential backoff for up
 * to CALLBACK_RETRY_MAX_ELAPSED_MS; other 4xx answers are not retried and are reported with the
 * server's own error message.
 */
import pRetry, { AbortError } from 'p-retry';
import {
  NodeHeartbeatResponse,
  type NodeHeartbeatRequest,
  type NodeReadyRequest,
  type TaskCallbackRequest,
  type WorkspaceReadyRequest,
} from '@flotilla/contracts';
import type { Logger } from '@flotilla/kit';

/** The control plane refused a call (4xx other than 408/429), or retries ran out. */
export class CallbackError extends Error {
  constructor(
    readonly path: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'CallbackError';
  }
}

export interface ControlPlaneClientOptions {
  /** Base URL, no trailing slash. */
  controlPlaneUrl: string;
  nodeId: string;
  /** The node-scoped callback token in force (it changes when the control plane refreshes it). */
  nodeToken: () => string;
  /** Callback token of a workspace, or undefined when the daemon does not know the workspace. */
  workspaceToken: (workspaceId: string) => string | undefined;
  /** Backoff of transient failures, in ms (CALLBACK_RETRY_* in config.ts). */
  retry: { maxElapsedMs: number; initialIntervalMs: number; maxIntervalMs: number };
  /** Limit for one HTTP request, in ms (CALLBACK_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  logger: Logger;
  /** Injectable for tests; defaults to global fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** False: one attempt only (heartbeats, whose next tick is the retry). Default true. */
  retry?: boolean;
  /** True: read the answer's JSON body and return it (undefined when it is not JSON). */
  readBody?: boolean;
}

function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

async function serverMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 500) || response.statusText;
}

/** HTTP client for the control plane's node and workspace callbacks. */
export class ControlPlaneClient {
  private readonly fetchImpl: typeof fetch;
  private readonly logger: Logger;

  constructor(private readonly options: ControlPlaneClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.logger = options.logger.child({ component: 'control-plane-client' });
  }

  /** `POST /api/nodes/:nodeId/ready`: the daemon listens at `body.url`. Retried. */
  async nodeReady(body: NodeReadyRequest): Promise<void> {
    await this.post(`/api/nodes/${encodeURIComponent(this.options.nodeId)}/ready`, this.options.nodeToken(), body);
  }

  /**
   * `POST /api/nodes/:nodeId/heartbeat` with the ids of the workspaces on this node. Not retried.
   * Returns the answer, which may carry refreshed callback tokens (the caller swaps them in).
   *
   * @throws CallbackError when the call fails or the answer is not a `NodeHeartbeatResponse`.
   */
  async heartbeat(body: NodeHeartbeatRequest): Promise<NodeHeartbeatResponse> {
    const path = `/api/nodes/${encodeURIComponent(this.options.nodeId)}/heartbeat`;
    const answer = NodeHeartbeatResponse.safeParse(await this.post(path, this.options.nodeToken(), body, { retry: false, readBody: true }));
    if (!answer.success) throw new CallbackError(path, null, `unexpected heartbeat answer: ${answer.error.message}`);
    return answer.data;
  }

  /** `POST /api/workspaces/:workspaceId/ready`: the checkout is done, or failed. Retried. */
  async workspaceReady(workspaceId: string, body: WorkspaceReadyRequest): Promise<void> {
    const path = `/api/workspaces/${encodeURIComponent(workspaceId)}/ready`;
    await this.post(path, this.workspaceTokenOrThrow(workspaceId, path), body);
  }

  /** `POST /api/tasks/:taskId/callback`: the agent's turn ended. Retried. */
  async taskCallback(taskId: string, workspaceId: string, body: TaskCallbackRequest): Promise<void> {
    const path = `/api/tasks/${encodeURIComponent(taskId)}/callback`;
    await this.post(path, this.workspaceTokenOrThrow(workspaceId, path), body);
  }

  private workspaceTokenOrThrow(workspaceId: string, path: string): string {
    const token = this.options.workspaceToken(workspaceId);
    if (!token) throw new CallbackError(path, null, `no callback token known for workspace ${workspaceId}`);
    return token;
  }

  /**
   * POST `body` as JSON to `path` with `token`; with `options.readBody`, returns the answer's JSON.
   *
   * @throws CallbackError when the control plane refuses the call or retries run out.
   */
  private async post(path: string, token: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    const url = `${this.options.controlPlaneUrl}${path}`;
    const attempt = async (): Promise<unknown> => {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        });
      } catch (error) {
        throw new CallbackError(path, null, `cannot reach the control plane: ${(error as Error).message}`);
      }
      if (response.ok) {
        if (options.readBody) return response.json().catch(() => undefined);
        await response.body?.cancel();
        return undefined;
      }
      const message = await serverMessage(response);
      const failure = new CallbackError(path, response.status, `HTTP ${response.status}: ${message}`);
      if (isTransientStatus(response.status)) throw failure;
      throw new AbortError(failure);
    };

    try {
      if (options.retry === false) return await attempt();
      return await pRetry(attempt, {
        retries: Number.MAX_SAFE_INTEGER,
        maxRetryTime: this.options.retry.maxElapsedMs,
        minTimeout: this.options.retry.initialIntervalMs,
        maxTimeout: this.options.retry.maxIntervalMs,
        randomize: true,
        onFailedAttempt: ({ error, attemptNumber }) => {
          this.logger.warn('control plane call failed; retrying', { path, attempt: attemptNumber, error: error.message });
        },
      });
    } catch (error) {
      const failure = error instanceof CallbackError ? error : new CallbackError(path, null, (error as Error).message);
      // A single-attempt call (heartbeat) is routine to miss; its caller decides how loud to be.
      if (options.retry !== false) {
        this.logger.error('control plane call failed', { path, status: failure.status, error: failure.message });
      }
      throw failure;
    }
  }
}
