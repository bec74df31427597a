/**
 * The task callback, durable (issue 12 item 6; DESIGN.md §2 hop 5): the end of a task's run —
 * `POST /api/tasks/:taskId/callback` — is written to the daemon's SQLite before it is sent
 * (db/task-callback-store.ts), like the chat messages of the outbox, and kept until the control
 * plane takes it or refuses it for good. A control-plane outage of any length therefore leaves a
 * pushed branch waiting, not a task `in_progress` for hours; a daemon restarted with callbacks
 * still stored sends them ({@link TaskCallbackOutbox.start}).
 *
 * Each attempt first waits for the workspace's chat to be delivered (up to
 * TASK_CALLBACK_DRAIN_TIMEOUT_MS), so the chat holds every message before the task reports its
 * end; a completed callback sent while messages are still pending says so in its `warning`.
 * Failures the kit calls retryable — no answer, 408, 429, 5xx — are retried with the kit's
 * backoff (CALLBACK_RETRY_INITIAL_INTERVAL_MS up to CALLBACK_RETRY_MAX_INTERVAL_MS, or the
 * server's Retry-After) without a time limit; any other refusal drops the callback. The control
 * plane dedupes a repeated callback (`duplicate` in its answer), so resending is safe.
 */
import type { TaskCallbackRequest } from '@flotilla/contracts';
import { FlotillaError, errorMessage, retry, type Logger } from '@flotilla/kit';
import type { PendingTaskCallback, TaskCallbackStore } from '../db/task-callback-store.js';

export interface TaskCallbackOutboxOptions {
  store: TaskCallbackStore;
  /**
   * One attempt of the callback (ControlPlaneClient.taskCallback).
   * @throws FlotillaError — retried when `retryable`, else the callback is dropped
   */
  send(taskId: string, workspaceId: string, body: TaskCallbackRequest, signal: AbortSignal): Promise<void>;
  /** Resolves when the workspace's chat messages are all delivered; rejects when `timeoutMs` passes first or the outbox stops. */
  drain(workspaceId: string, timeoutMs: number): Promise<void>;
  /** TASK_CALLBACK_DRAIN_TIMEOUT_MS: how long each attempt waits for the chat, in ms. */
  drainTimeoutMs: number;
  /** CALLBACK_RETRY_INITIAL_INTERVAL_MS and CALLBACK_RETRY_MAX_INTERVAL_MS, in ms. */
  retry: { initialIntervalMs: number; maxIntervalMs: number };
  logger: Logger;
}

/** How one delivery ended. */
type Delivery = { kind: 'accepted' } | { kind: 'refused'; error: unknown } | { kind: 'stopped' };

/** A completed body with `warning` added to its own (failed bodies carry none). */
export function withWarning(body: TaskCallbackRequest, warning: string | null): TaskCallbackRequest {
  if (warning === null || body.status !== 'completed') return body;
  return { ...body, warning: body.warning ? `${body.warning}\n${warning}` : warning };
}

export class TaskCallbackOutbox {
  private readonly abort = new AbortController();
  private readonly deliveries = new Map<number, Promise<Delivery>>();
  private stopped = false;

  constructor(private readonly options: TaskCallbackOutboxOptions) {}

  /**
   * Store the callback of `taskId`'s run in `workspaceId`, then deliver it. Resolves when the
   * control plane took it, or when the daemon stops first (it stays stored and is sent at the next
   * start). A run whose callback is already stored is not reported twice.
   *
   * @throws the control plane's refusal (FlotillaError, not retryable) — the callback is dropped.
   */
  async deliver(taskId: string, workspaceId: string, body: TaskCallbackRequest): Promise<void> {
    const row = this.options.store.insert(taskId, workspaceId, body);
    if (!row) {
      this.options.logger.warn('the outcome of this run is already stored; not reporting it twice', { taskId, workspaceId });
      return;
    }
    if (this.stopped) return;
    const delivery = await this.track(row);
    if (delivery.kind === 'refused') throw delivery.error;
  }

  /** Deliver every callback an earlier run of the daemon left stored. */
  start(): void {
    const rows = this.options.store.pending().filter((row) => !this.deliveries.has(row.id));
    if (rows.length === 0) return;
    this.options.logger.info('sending task callbacks left by an earlier run', { callbacks: rows.length, taskIds: rows.map((row) => row.taskId) });
    for (const row of rows) void this.track(row);
  }

  /** Stop delivering: attempts under way are cut short; what is not delivered stays stored. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new Error('the node daemon is stopping'));
    await Promise.allSettled([...this.deliveries.values()]);
  }

  private track(row: PendingTaskCallback): Promise<Delivery> {
    const delivery = this.deliverStored(row).finally(() => this.deliveries.delete(row.id));
    this.deliveries.set(row.id, delivery);
    return delivery;
  }

  /** Attempt after attempt until the control plane decides; the row is deleted when it does. Never throws. */
  private async deliverStored(row: PendingTaskCallback): Promise<Delivery> {
    const { logger, store } = this.options;
    const ids = { taskId: row.taskId, workspaceId: row.workspaceId };
    const signal = this.abort.signal;
    const startedAt = performance.now();
    try {
      await retry(
        async () => {
          const warning = await this.waitForChat(row.workspaceId);
          signal.throwIfAborted();
          await this.options.send(row.taskId, row.workspaceId, withWarning(row.body, warning), signal);
        },
        {
          minDelayMs: this.options.retry.initialIntervalMs,
          maxDelayMs: this.options.retry.maxIntervalMs,
          signal,
          requestedDelayMs: (error) => (error instanceof FlotillaError ? error.retryAfterMs : undefined),
          onRetry: (error, attempt) => {
            if (signal.aborted) return;
            store.recordFailure(row.id, errorMessage(error));
            logger.warn('task callback not taken yet; retrying', { ...ids, attempt: row.attempts + attempt, elapsedMs: Math.round(performance.now() - startedAt), error: errorMessage(error) });
          },
        },
      );
    } catch (error) {
      if (signal.aborted) {
        logger.info('task callback kept for the next start', ids);
        return { kind: 'stopped' };
      }
      store.delete(row.id);
      logger.error('task callback refused; dropped', { ...ids, status: error instanceof FlotillaError ? error.status : null, error: errorMessage(error) });
      return { kind: 'refused', error };
    }
    store.delete(row.id);
    logger.info('task callback delivered', { ...ids, status: row.body.status, elapsedMs: Math.round(performance.now() - startedAt) });
    return { kind: 'accepted' };
  }

  /**
   * Wait until the workspace's chat messages are delivered (up to the drain timeout, cut short when
   * the daemon stops). A failure does not hold the callback back — a task stuck forever is worse —
   * and is returned as a warning.
   */
  private async waitForChat(workspaceId: string): Promise<string | null> {
    const signal = this.abort.signal;
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.options.drain(workspaceId, this.options.drainTimeoutMs), aborted]);
      return null;
    } catch (error) {
      if (signal.aborted) throw error;
      this.options.logger.warn('chat messages not all delivered before the task callback', { workspaceId, error: errorMessage(error) });
      return `Some chat messages were not yet delivered: ${errorMessage(error)}`;
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      aborted.catch(() => undefined);
    }
  }
}
