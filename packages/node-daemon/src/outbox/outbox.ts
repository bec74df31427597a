/**
 * The message outbox (DESIGN.md section 2, hops 3–4): every chat message a workspace's agent
 * produces is written to SQLite first, then delivered in batches to the control plane, which
 * dedupes by `messageId`, so resending is always safe.
 *
 * Delivery rules (from the outbox issue):
 * - per workspace one batch is in flight at a time, batches in insertion order, so messages
 *   arrive in the order they were enqueued;
 * - a workspace with nothing in flight sends at once (after the current event-loop turn, so a
 *   burst of synchronous `enqueue` calls shares a batch); messages arriving while a batch is in
 *   flight form the next batch, sent as soon as the in-flight one settles. No batch is ever held
 *   back waiting to fill, so `MSG_BATCH_MAX_WAIT_MS` is always met while a workspace is idle;
 * - a batch holds at most `MSG_BATCH_MAX_SIZE` messages and `MSG_BATCH_MAX_BYTES` of body;
 * - transient failures are retried (see `deliverBatch`); when the retry time runs out the batch is
 *   kept and retried after `MSG_RETRY_MAX_INTERVAL_MS` (or the server's `Retry-After`, if later);
 * - a permanent failure drops the batch with a warning;
 * - beyond `MSG_OUTBOX_MAX_SIZE` rows the oldest are dropped with a warning;
 * - the draft of a workspace (text its agent is still writing) is sent once nothing else waits,
 *   at most once per `MSG_DRAFT_INTERVAL_MS` (draft-delivery.ts).
 */
import type Database from 'better-sqlite3';
import type { ChatMessageInput } from '@flotilla/contracts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorMessage, type Logger } from '@flotilla/kit';
import { messageBytesBudget } from './body-size.js';
import type { OutboxConfig } from './config.js';
import { attemptOnce, deliverBatch, type DeliveryOutcome } from './deliver-batch.js';
import { deliverDraft } from './draft-delivery.js';
import { DrainWaiters } from './drain-waiters.js';
import { OutboxDrainError } from './errors.js';
import type { SendMessages } from './sender.js';
import { serializeMessage } from './serialize-message.js';
import { retryLaterDelayMs, settleBatch } from './settle-batch.js';
import { OutboxStore, type StoredMessage } from './store.js';

/** Default bound on `stop()`, in milliseconds. */
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

export interface MessageOutboxOptions {
  /** Open SQLite handle; the outbox creates its table in it. The caller closes it after `stop()`. */
  db: Database.Database;
  config: OutboxConfig;
  /** Delivers one batch; usually `createHttpMessageSender(...).send`. */
  send: SendMessages;
  logger: Logger;
  /** Longest `stop()` may take, in milliseconds (default {@link DEFAULT_STOP_TIMEOUT_MS}). */
  stopTimeoutMs?: number;
}

type Lifecycle = 'idle' | 'running' | 'stopping' | 'stopped';

/** Delivery state of one workspace. */
interface WorkspaceFlow {
  /** A flush loop is running (it owns the workspace's batch in flight). */
  busy: boolean;
  /** Set while a batch whose retry time ran out waits to be tried again. */
  retryTimer: NodeJS.Timeout | undefined;
  /** Set while the workspace's draft waits for its next send. */
  draftTimer: NodeJS.Timeout | undefined;
}

/** Resolves when `promise` settles or `signal` aborts, whichever comes first. */
function settledOrAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    promise.then(() => resolve(), () => resolve());
  });
}

export class MessageOutbox {
  private readonly store: OutboxStore;
  private readonly config: OutboxConfig;
  private readonly send: SendMessages;
  private readonly logger: Logger;
  private readonly stopTimeoutMs: number;
  /** Byte budget of the messages in one batch, so the whole body fits `batchMaxBytes`. */
  private readonly batchBytes: number;
  private readonly flows = new Map<string, WorkspaceFlow>();
  private readonly loops = new Set<Promise<void>>();
  private readonly waiters = new DrainWaiters();
  private readonly abort = new AbortController();
  private state: Lifecycle = 'idle';
  private stopped: Promise<void> | undefined;

  /** Opens (and migrates) the outbox table. Nothing is sent until `start()`. */
  constructor(options: MessageOutboxOptions) {
    this.store = new OutboxStore(options.db);
    this.config = options.config;
    this.send = options.send;
    this.logger = options.logger;
    this.stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    this.batchBytes = messageBytesBudget(this.config.batchMaxBytes, this.config.batchMaxSize);
  }

  /**
   * Store `message` durably (committed before this returns), then schedule its delivery. A
   * `messageId` already in the outbox is ignored. When the outbox holds more than
   * `MSG_OUTBOX_MAX_SIZE` messages the oldest are dropped with a warning. After `stop()` the
   * message is still stored, for the next start.
   *
   * @throws InvalidMessageError when the message fails the `ChatMessageInput` schema or its JSON
   *   alone exceeds the control plane's body limit (it could never be delivered).
   */
  enqueue(workspaceId: string, message: ChatMessageInput): void {
    const { messageId, json } = serializeMessage(workspaceId, message);
    const { inserted, dropped } = this.store.transaction(() => {
      this.store.deleteDraftOfMessage(messageId);
      return {
        inserted: this.store.insert(workspaceId, messageId, json, Date.now()),
        dropped: this.store.dropOldestBeyond(this.config.outboxMaxSize),
      };
    });
    if (!inserted) {
      this.logger.debug('duplicate message ignored', { workspaceId, messageId });
    }
    if (dropped.count > 0) {
      this.logger.warn(`message outbox full: dropped the ${dropped.count} oldest message(s)`, {
        dropped: dropped.count,
        maxSize: this.config.outboxMaxSize,
        workspaceIds: dropped.workspaceIds,
      });
      for (const id of dropped.workspaceIds) this.waiters.settle(id, this.store.count(id));
    }
    this.kick(workspaceId);
  }

  /**
   * Keep `message` as the draft of `workspaceId` — the text its agent is still writing — or
   * forget the draft (null). The draft is delivered marked `draft: true` once nothing else of the
   * workspace waits, at most once per `MSG_DRAFT_INTERVAL_MS` (draft-delivery.ts); the message
   * that completes it (same `messageId`) replaces it when enqueued, and `start()` delivers drafts
   * a crash left behind as final messages. A draft that could never be delivered (too large,
   * invalid) is not kept.
   */
  saveDraft(workspaceId: string, message: ChatMessageInput | null): void {
    if (message === null) {
      this.store.deleteDraft(workspaceId);
      return;
    }
    let serialized: { messageId: string; json: string };
    try {
      serialized = serializeMessage(workspaceId, message);
    } catch {
      this.store.deleteDraft(workspaceId);
      return;
    }
    this.store.saveDraft(workspaceId, serialized.messageId, serialized.json, Date.now());
    this.kick(workspaceId);
  }

  /** Messages not yet acknowledged, for one workspace or all of them. */
  pendingCount(workspaceId?: string): number {
    return this.store.count(workspaceId);
  }

  /**
   * Resolve the first time `workspaceId` has nothing pending, so every message enqueued before
   * the call has been acknowledged (or dropped by a permanent failure or the size cap). Called
   * before the task callback so the chat holds every message before the task reports completion;
   * messages still being produced keep it waiting. A drain started before `start()` waits for it.
   *
   * @param timeoutMs give up after this many milliseconds; undefined waits without limit.
   * @throws OutboxDrainError (as a rejection) on timeout, or when the outbox is or gets stopped.
   */
  drain(workspaceId: string, timeoutMs?: number): Promise<void> {
    const pending = this.store.count(workspaceId);
    if (pending === 0) return Promise.resolve();
    if (this.state === 'stopping' || this.state === 'stopped') {
      return Promise.reject(
        new OutboxDrainError(workspaceId, pending, `cannot drain workspace ${workspaceId}: the outbox is stopped`),
      );
    }
    const drained = this.waiters.wait(workspaceId, timeoutMs, () => this.store.count(workspaceId));
    this.kick(workspaceId);
    return drained;
  }

  /**
   * Begin delivering, including every message left in the table by an earlier run (crash
   * recovery). Calling it again while running does nothing.
   *
   * @throws Error after `stop()`: create a new outbox instead.
   */
  start(): void {
    if (this.state === 'running') return;
    if (this.state !== 'idle') throw new Error('a stopped MessageOutbox cannot be restarted');
    this.state = 'running';
    this.recoverDrafts();
    const workspaceIds = this.store.workspaceIds();
    if (workspaceIds.length > 0) {
      this.logger.info('resuming message outbox', {
        workspaces: workspaceIds.length,
        messages: this.store.count(),
      });
    }
    for (const workspaceId of workspaceIds) this.kick(workspaceId);
  }

  /** Enqueue the drafts an earlier run left (a crash cut their messages short): what was written is kept. */
  private recoverDrafts(): void {
    for (const draft of this.store.drafts()) {
      this.store.transaction(() => {
        this.store.insert(draft.workspaceId, draft.messageId, draft.json, draft.updatedAt);
        this.store.deleteDraftOfMessage(draft.messageId);
      });
      this.logger.warn('a message cut short by a restart is delivered as far as it was written', { workspaceId: draft.workspaceId, messageId: draft.messageId });
    }
  }

  /**
   * Stop delivering: cancel retry timers and requests in flight, then make one final attempt per
   * workspace (each batch once, no retries), all within `stopTimeoutMs`. Unsent messages stay in
   * the table for the next start; pending `drain` calls reject. Idempotent.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    for (const flow of this.flows.values()) {
      clearTimeout(flow.retryTimer);
      clearTimeout(flow.draftTimer);
    }
    this.abort.abort(new Error('message outbox stopping'));
    const deadline = AbortSignal.timeout(this.stopTimeoutMs);
    await settledOrAborted(Promise.allSettled([...this.loops]), deadline);
    if (wasRunning) await this.finalFlush(deadline);
    this.state = 'stopped';
    for (const id of this.waiters.workspaceIds()) this.waiters.settle(id, this.store.count(id));
    this.waiters.rejectAll('the outbox stopped', (id) => this.store.count(id));
    const left = this.store.count();
    if (left > 0) this.logger.info(`message outbox stopped with ${left} unsent message(s); they are sent at next start`);
  }

  /** One pass over every workspace not still busy, each batch tried once, until `deadline`. */
  private async finalFlush(deadline: AbortSignal): Promise<void> {
    const idle = this.store.workspaceIds().filter((id) => !this.flows.get(id)?.busy);
    await Promise.all(
      idle.map(async (workspaceId) => {
        while (!deadline.aborted) {
          const batch = this.store.peekBatch(workspaceId, this.config.batchMaxSize, this.batchBytes);
          if (batch.length === 0) return;
          const outcome = await attemptOnce(this.deliveryOptions(workspaceId, batch, deadline));
          if (!this.settle(workspaceId, batch, outcome)) return;
        }
      }),
    ).catch((error: unknown) => {
      this.logger.error('final message outbox flush failed', { error: errorMessage(error) });
    });
  }

  /** Make sure a flush loop runs for `workspaceId` unless one is running or a retry is scheduled. */
  private kick(workspaceId: string): void {
    if (this.state !== 'running') return;
    const flow = this.flowOf(workspaceId);
    if (flow.busy || flow.retryTimer) return;
    flow.busy = true;
    const loop = this.flush(workspaceId, flow);
    this.loops.add(loop);
    void loop.then(() => this.loops.delete(loop));
  }

  /** Deliver the workspace's batches in order until it is empty, deferred, or the outbox stops. */
  private async flush(workspaceId: string, flow: WorkspaceFlow): Promise<void> {
    try {
      await nextTurn(); // let the enqueues of the current turn join the first batch
      while (this.state === 'running') {
        const batch = this.store.peekBatch(workspaceId, this.config.batchMaxSize, this.batchBytes);
        if (batch.length === 0) {
          if (!(await this.sendDraft(workspaceId, flow))) break;
          continue;
        }
        const outcome = await deliverBatch({
          ...this.deliveryOptions(workspaceId, batch, this.abort.signal),
          config: this.config,
          logger: this.logger,
        });
        if (outcome.kind === 'deferred' && this.state === 'running') this.defer(workspaceId, flow, batch, outcome);
        if (!this.settle(workspaceId, batch, outcome)) break;
      }
    } catch (error) {
      this.logger.error('message outbox flush failed; trying again later', {
        workspaceId,
        error: errorMessage(error),
      });
      if (this.state === 'running') this.scheduleRetry(workspaceId, flow, this.config.retryMaxIntervalMs);
    } finally {
      flow.busy = false;
    }
    if (this.state !== 'running') return;
    if (!flow.retryTimer && !flow.draftTimer) this.flows.delete(workspaceId);
    this.waiters.settle(workspaceId, this.store.count(workspaceId));
  }

  /**
   * Send the workspace's draft when it is due (draft-delivery.ts); when it is not, set the timer
   * that sends it then.
   *
   * @returns true when a draft went out and the loop should look for more work.
   */
  private async sendDraft(workspaceId: string, flow: WorkspaceFlow): Promise<boolean> {
    if (flow.draftTimer) return false;
    const step = await deliverDraft({
      store: this.store,
      workspaceId,
      send: this.send,
      signal: this.abort.signal,
      intervalMs: this.config.draftIntervalMs,
      retryDelayMs: this.config.retryInitialIntervalMs,
      logger: this.logger,
    });
    if (step.kind === 'sent') return true;
    if (step.kind === 'later' && this.state === 'running') {
      flow.draftTimer = setTimeout(() => {
        flow.draftTimer = undefined;
        this.kick(workspaceId);
      }, step.delayMs);
    }
    return false;
  }

  private deliveryOptions(workspaceId: string, batch: StoredMessage[], signal: AbortSignal) {
    const ids = batch.map((row) => row.id);
    return {
      workspaceId,
      messages: batch.map((row) => row.message),
      send: this.send,
      signal,
      onAttempt: () => {
        if (this.state !== 'stopped') this.store.recordAttempt(ids);
      },
    };
  }

  /** Keep a batch whose retry time ran out and try it again later. */
  private defer(
    workspaceId: string,
    flow: WorkspaceFlow,
    batch: StoredMessage[],
    outcome: Extract<DeliveryOutcome, { kind: 'deferred' }>,
  ): void {
    const delayMs = retryLaterDelayMs(outcome, this.config.retryMaxIntervalMs);
    this.logger.warn(
      `could not deliver ${batch.length} message(s) of workspace ${workspaceId}; ` +
        `keeping them and trying again in ${delayMs} ms`,
      { workspaceId, messages: batch.length, attempts: outcome.attempts, error: errorMessage(outcome.error) },
    );
    this.scheduleRetry(workspaceId, flow, delayMs);
  }

  /**
   * Apply an outcome unless the outbox has stopped (the caller may have closed the database).
   *
   * @returns true when the batch is gone and the next one may be sent.
   */
  private settle(workspaceId: string, batch: StoredMessage[], outcome: DeliveryOutcome): boolean {
    if (this.state === 'stopped') return false;
    return settleBatch(this.store, this.logger, workspaceId, batch, outcome);
  }

  private scheduleRetry(workspaceId: string, flow: WorkspaceFlow, delayMs: number): void {
    clearTimeout(flow.retryTimer);
    flow.retryTimer = setTimeout(() => {
      flow.retryTimer = undefined;
      this.kick(workspaceId);
    }, delayMs);
  }

  private flowOf(workspaceId: string): WorkspaceFlow {
    let flow = this.flows.get(workspaceId);
    if (!flow) {
      flow = { busy: false, retryTimer: undefined, draftTimer: undefined };
      this.flows.set(workspaceId, flow);
    }
    return flow;
  }
}
