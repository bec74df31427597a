/**
 * Calls from the node daemon to the control plane: routes `nodeReady`, `nodeHeartbeat`,
 * `workspaceReady`, `permissionRequested`, `sessionArchive` and `taskCallback` of the `callbackApi` table (contracts routes/callbacks.ts),
 * made with the kit's `callRoute` — every answer parsed with its route's schema. Each call carries
 * a Bearer token of audience `workspace-callback`: the node's own token for node calls, the
 * workspace's token (from `CreateWorkspaceRequest.callbackToken`) for workspace and task calls;
 * the token in force is read at every attempt (a heartbeat answer may have refreshed it).
 *
 * Retryable failures — no answer, or HTTP 408, 429, 5xx (kit `isRetryableStatus`, the one rule) —
 * of `nodeReady` and `workspaceReady` are retried with the kit's backoff for up to
 * CALLBACK_RETRY_MAX_ELAPSED_MS; a refusal is not, and arrives as the kit's FlotillaError with the
 * server's code, message and status. `heartbeat` and `taskCallback` make one attempt: the next
 * tick is the heartbeat's retry, and the task callback is retried, without a time limit, by the
 * durable task-callback outbox (task-callback-outbox.ts). (The message batches of the outbox go
 * their own way: outbox/sender.ts.)
 */
import { callbackApi, type NodeHeartbeatRequest, type NodeHeartbeatResponse, type NodeReadyRequest, type PermissionRequestedCallback, type RouteInput, type RouteOutput, type RouteSpec, type SessionArchiveCallbackRequest, type TaskCallbackRequest, type WorkspaceReadyRequest } from '@flotilla/contracts';
import { FlotillaError, callRoute, errorMessage, permanentFailure, retry, routeUrl, type Logger } from '@flotilla/kit';

export interface ControlPlaneClientOptions {
  /** Base URL, no trailing slash. */
  controlPlaneUrl: string;
  nodeId: string;
  /** The node-scoped callback token in force (it changes when the control plane refreshes it). */
  nodeToken: () => string;
  /** Callback token of a workspace, or undefined when the daemon does not know the workspace. */
  workspaceToken: (workspaceId: string) => string | undefined;
  /** Backoff of retryable failures, in ms (CALLBACK_RETRY_* in config.ts). */
  retry: { maxElapsedMs: number; initialIntervalMs: number; maxIntervalMs: number };
  /** Limit for one HTTP request, in ms (CALLBACK_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  logger: Logger;
  /** Injectable for tests; defaults to global fetch. */
  fetch?: typeof fetch;
}

/** The control plane's callback routes, typed by the `callbackApi` table. */
export class ControlPlaneClient {
  private readonly logger: Logger;

  constructor(private readonly options: ControlPlaneClientOptions) {
    this.logger = options.logger.child({ component: 'control-plane-client' });
  }

  /**
   * `nodeReady`: the daemon listens at `body.url`. Retried.
   * @throws FlotillaError the control plane's refusal, or the last failure when retries ran out
   */
  async nodeReady(body: NodeReadyRequest): Promise<void> {
    await this.call(callbackApi.nodeReady, { params: { nodeId: this.options.nodeId }, body }, () => this.options.nodeToken());
  }

  /**
   * `nodeHeartbeat` with the ids of the workspaces on this node, sent once (the next tick is the
   * retry). Answers the parsed answer, which may carry refreshed callback tokens (the caller swaps them in).
   * @throws FlotillaError when the call fails, or `bad_response` when the answer is not a `NodeHeartbeatResponse`
   */
  heartbeat(body: NodeHeartbeatRequest): Promise<NodeHeartbeatResponse> {
    return this.call(callbackApi.nodeHeartbeat, { params: { nodeId: this.options.nodeId }, body }, () => this.options.nodeToken(), { retry: false });
  }

  /**
   * `workspaceReady`: the checkout is done, or failed. Retried.
   * @throws FlotillaError as {@link nodeReady}; `internal` (not retried) when no token is known for the workspace
   */
  async workspaceReady(workspaceId: string, body: WorkspaceReadyRequest): Promise<void> {
    await this.call(callbackApi.workspaceReady, { params: { workspaceId }, body }, this.workspaceToken(workspaceId));
  }

  /**
   * `taskCallback`: the agent's turn ended. One attempt (the task-callback outbox retries it).
   * @param signal aborts the request
   * @throws FlotillaError the refusal or the failure (`retryable` says whether to try again);
   *   `internal` (not retryable) when no token is known for the workspace
   */
  async taskCallback(taskId: string, workspaceId: string, body: TaskCallbackRequest, signal?: AbortSignal): Promise<void> {
    await this.call(callbackApi.taskCallback, { params: { taskId }, body }, this.workspaceToken(workspaceId), { retry: false, ...(signal ? { signal } : {}) });
  }

  /**
   * `permissionRequested`: the workspace's agent waits for a permission answer (the control
   * plane notifies people). One attempt: the request times out on its own if nobody answers.
   * @throws FlotillaError the refusal or the failure; `internal` when no token is known for the workspace
   */
  async permissionRequested(workspaceId: string, body: PermissionRequestedCallback): Promise<void> {
    await this.call(callbackApi.permissionRequested, { params: { workspaceId }, body }, this.workspaceToken(workspaceId), { retry: false });
  }

  /**
   * `sessionArchive`: the session files of the workspace's agent, kept for a resume with
   * `session/load` (issue 15 item 3). One attempt: the task's end does not wait on retries.
   * @throws FlotillaError the refusal (413 over the control plane's SESSION_ARCHIVE_MAX_BYTES) or
   *   the failure; `internal` when no token is known for the workspace
   */
  async sessionArchive(workspaceId: string, body: SessionArchiveCallbackRequest): Promise<void> {
    await this.call(callbackApi.sessionArchive, { params: { workspaceId }, body }, this.workspaceToken(workspaceId), { retry: false });
  }

  /** The token of a workspace, read at every attempt. @throws FlotillaError when none is known now */
  private workspaceToken(workspaceId: string): () => string {
    const known = (): string => {
      const token = this.options.workspaceToken(workspaceId);
      if (!token) throw permanentFailure(`no callback token known for workspace ${workspaceId}`);
      return token;
    };
    known();
    return known;
  }

  /**
   * Call `route` with `input` and the token of `token()`; retried unless `options.retry` is false;
   * `options.signal` aborts a single attempt.
   * @throws FlotillaError the refusal, or the last failure when retries ran out
   */
  private async call<R extends RouteSpec>(route: R, input: RouteInput<R>, token: () => string, options: { retry?: boolean; signal?: AbortSignal } = {}): Promise<RouteOutput<R>> {
    const path = routeUrl(route, input);
    const attempt = () =>
      callRoute(route, input, {
        baseUrl: this.options.controlPlaneUrl,
        headers: () => ({ authorization: `Bearer ${token()}` }),
        timeoutMs: this.options.requestTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      });
    // A single-attempt call (heartbeat, task callback) is routine to miss; its caller decides how loud to be.
    if (options.retry === false) return attempt();
    try {
      return await retry(attempt, {
        minDelayMs: this.options.retry.initialIntervalMs,
        maxDelayMs: this.options.retry.maxIntervalMs,
        maxElapsedMs: this.options.retry.maxElapsedMs,
        onRetry: (error, attemptNumber) => this.logger.warn('control plane call failed; retrying', { path, attempt: attemptNumber, error: errorMessage(error) }),
      });
    } catch (error) {
      this.logger.error('control plane call failed', { path, status: error instanceof FlotillaError ? error.status : null, error: errorMessage(error) });
      throw error;
    }
  }
}
