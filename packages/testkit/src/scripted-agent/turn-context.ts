import { methods } from '@agentclientprotocol/sdk';
import type { AgentContext, ClientCapabilities, SessionUpdate, ToolCallContent } from '@agentclientprotocol/sdk';

/** Everything an instruction needs while one prompt turn runs. */
export interface TurnContext {
  sessionId: string;
  /** Absolute working directory given in `session/new`. */
  cwd: string;
  /** Calls client-side ACP methods. */
  client: AgentContext;
  /** Capabilities the client advertised in `initialize`. */
  clientCapabilities: ClientCapabilities;
  /** Aborts when the session is cancelled or the prompt request is cancelled. */
  signal: AbortSignal;
  /** Returns a tool-call id unique within this agent process. */
  nextToolCallId: () => string;
}

/**
 * Sends one `session/update` notification for the turn's session.
 *
 * @throws when the connection is closed
 */
export async function sendUpdate(turn: TurnContext, update: SessionUpdate): Promise<void> {
  await turn.client.notify(methods.client.session.update, { sessionId: turn.sessionId, update });
}

/** Sends `text` as one agent_message_chunk. */
export async function sayText(turn: TurnContext, text: string): Promise<void> {
  await sendUpdate(turn, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } });
}

/** Wraps plain text as tool-call content. */
export function textContent(text: string): ToolCallContent {
  return { type: 'content', content: { type: 'text', text } };
}

/** Reports a tool call as failed, with `message` as its text content. */
export async function failToolCall(turn: TurnContext, toolCallId: string, message: string): Promise<void> {
  await sendUpdate(turn, {
    sessionUpdate: 'tool_call_update',
    toolCallId,
    status: 'failed',
    content: [textContent(message)],
  });
}

/** Returns the message of an unknown thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
