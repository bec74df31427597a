import { methods } from '@agentclientprotocol/sdk';
import type { PermissionOption, ToolCallUpdate } from '@agentclientprotocol/sdk';
import type { TurnContext } from './turn-context.js';

/** The two options the scripted agent offers in every permission request. */
export const PERMISSION_OPTIONS: PermissionOption[] = [
  { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
  { optionId: 'reject', name: 'Reject', kind: 'reject_once' },
];

/** What the client decided about a tool call. */
export type PermissionDecision = 'allowed' | 'rejected' | 'cancelled';

/**
 * Asks the client for permission to run a tool call (`session/request_permission`).
 *
 * Stops waiting when the turn is cancelled.
 *
 * @param turn the running turn
 * @param toolCall the tool call the permission is for
 * @returns 'allowed' when the client chose an allow option, 'rejected' for a reject option,
 *   'cancelled' when the client answered `cancelled` or the turn was cancelled meanwhile
 * @throws when the client answers with an error other than a cancellation
 */
export async function requestPermission(turn: TurnContext, toolCall: ToolCallUpdate): Promise<PermissionDecision> {
  let response;
  try {
    response = await turn.client.request(
      methods.client.session.requestPermission,
      { sessionId: turn.sessionId, toolCall, options: PERMISSION_OPTIONS },
      { cancellationSignal: turn.signal, stopWaitingOnCancel: true },
    );
  } catch (error) {
    if (turn.signal.aborted) return 'cancelled';
    throw error;
  }
  const outcome = response.outcome;
  if (outcome.outcome === 'cancelled') return 'cancelled';
  const chosen = PERMISSION_OPTIONS.find((option) => option.optionId === outcome.optionId);
  return chosen?.kind.startsWith('allow') ? 'allowed' : 'rejected';
}
