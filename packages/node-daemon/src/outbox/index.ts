/**
 * The node daemon's message outbox: chat messages are stored in SQLite, then delivered in ordered
 * batches to `POST /api/workspaces/:workspaceId/messages` on the control plane.
 *
 * Wiring:
 * ```ts
 * const config = readOutboxConfig();
 * const sender = createHttpMessageSender({ controlPlaneUrl, tokenFor: (id) => tokens.get(id) });
 * const outbox = new MessageOutbox({ db, config, send: sender.send, logger: logger.child({ component: 'outbox' }) });
 * outbox.start();
 * ```
 */
export {
  DEFAULT_OUTBOX_CONFIG,
  OUTBOX_ENV_VARS,
  OutboxConfigError,
  readOutboxConfig,
  type OutboxConfig,
  type OutboxEnvVar,
} from './config.js';
export {
  InvalidMessageError,
  OutboxDrainError,
  PermanentSendError,
  TransientSendError,
} from './errors.js';
export { DEFAULT_STOP_TIMEOUT_MS, MessageOutbox, type MessageOutboxOptions } from './outbox.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  createHttpMessageSender,
  type HttpMessageSenderOptions,
  type MessageSender,
  type SendMessages,
} from './sender.js';
export { OutboxStore, type DroppedRows, type StoredMessage } from './store.js';
