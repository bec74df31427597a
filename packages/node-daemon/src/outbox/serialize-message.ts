/**
 * Check and serialise a chat message before it enters the outbox, so a message the control plane
 * could never accept is refused to its producer instead of being dropped later with a whole batch.
 */
import { ChatMessageInput, describeZodError } from '@flotilla/contracts';
import { MAX_MESSAGE_BYTES } from './body-size.js';
import { InvalidMessageError } from './errors.js';

export interface SerializedMessage {
  messageId: string;
  /** The message as it will appear in the request body (unknown fields removed). */
  json: string;
}

/**
 * @param workspaceId only for the error message.
 * @throws InvalidMessageError when `message` fails the `ChatMessageInput` schema, or when its JSON
 *   alone is larger than the control plane's body limit (`MESSAGE_BATCH_MAX_BODY_BYTES`).
 */
export function serializeMessage(workspaceId: string, message: ChatMessageInput): SerializedMessage {
  const parsed = ChatMessageInput.safeParse(message);
  if (!parsed.success) {
    throw new InvalidMessageError(
      `message for workspace ${workspaceId} is invalid: ${describeZodError(parsed.error)}`,
    );
  }
  const json = JSON.stringify(parsed.data);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new InvalidMessageError(
      `message ${parsed.data.messageId} for workspace ${workspaceId} is ${bytes} bytes of JSON; ` +
        `at most ${MAX_MESSAGE_BYTES} fit one request`,
    );
  }
  return { messageId: parsed.data.messageId, json };
}
