/**
 * Byte accounting for `PersistMessageBatchRequest` bodies. The request body is
 * `{"messages":[m1,m2,…]}`, so its size is the envelope, plus each message's JSON, plus one comma
 * between messages. The outbox stores each message's JSON size so batches can be cut without
 * serialising them.
 */
import { MESSAGE_BATCH_MAX_BODY_BYTES } from '@flotilla/contracts';

/** Bytes of `{"messages":[]}`, the request body around the messages. */
export const BATCH_ENVELOPE_BYTES = Buffer.byteLength('{"messages":[]}');

/** Largest single message (its JSON, in bytes) that fits the control plane's body limit alone. */
export const MAX_MESSAGE_BYTES = MESSAGE_BATCH_MAX_BODY_BYTES - BATCH_ENVELOPE_BYTES;

/**
 * How many bytes of message JSON one batch may hold so that the whole body, envelope and commas
 * included, stays within `maxBodyBytes` whatever the number of messages (up to `maxCount`).
 *
 * @param maxBodyBytes body limit in bytes (`MSG_BATCH_MAX_BYTES`).
 * @param maxCount most messages in one batch (`MSG_BATCH_MAX_SIZE`).
 * @returns the budget in bytes; at least 1, so a batch always holds a message.
 */
export function messageBytesBudget(maxBodyBytes: number, maxCount: number): number {
  return Math.max(1, maxBodyBytes - BATCH_ENVELOPE_BYTES - Math.max(0, maxCount - 1));
}
