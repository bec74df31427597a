/**
 * Errors of the message outbox. Senders classify every failure as transient (retry, the batch is
 * kept) or permanent (the control plane will never accept this batch, it is dropped).
 */

/**
 * A failure that may go away on its own: network error, timeout, HTTP 5xx, 408, 429, a missing
 * callback token, or a token rotated while the request was in flight. The batch is retried.
 */
export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
  /** HTTP status, when the control plane answered. */
  readonly status: number | undefined;
  /** How long the server asked us to wait (`Retry-After`), in milliseconds, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The control plane refused the batch for good (HTTP 400, 401, 403, 404, 413 and other 4xx except
 * 408/429), or answered 2xx with a body that is not a `PersistMessageBatchResponse`. Retrying the
 * same batch cannot succeed; the outbox drops it with a warning.
 */
export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';

  /**
   * @param status HTTP status the control plane answered with.
   * @param serverMessage the server's own explanation (`error.message` of its error body, or the
   *   start of the body text), for the warning that reports the dropped messages.
   */
  constructor(
    readonly status: number,
    readonly serverMessage: string,
  ) {
    super(`control plane refused the message batch with HTTP ${status}: ${serverMessage}`);
  }
}

/** `MessageOutbox.enqueue` refused a message that the control plane could never accept. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** `MessageOutbox.drain` gave up waiting, or the outbox stopped before the workspace drained. */
export class OutboxDrainError extends Error {
  override readonly name = 'OutboxDrainError';

  /**
   * @param workspaceId the workspace being drained.
   * @param pending messages still in the outbox for it when the wait ended.
   */
  constructor(
    readonly workspaceId: string,
    readonly pending: number,
    message: string,
  ) {
    super(message);
  }
}
