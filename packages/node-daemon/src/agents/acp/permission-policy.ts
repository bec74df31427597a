/**
 * Answer an agent's `session/request_permission` (ACP spec "Requesting Permission") by the
 * session's policy (`PermissionPolicy` in contracts node.ts), since no human is watching:
 * - `allow`: pick an `allow_always` option, else `allow_once`;
 * - `reject`: pick `reject_once`, else `reject_always`.
 * When no option of a fitting kind is offered, the request is answered `cancelled`.
 * (`ask` is answered by a viewer instead: permission-requests.ts.)
 */
import type { PermissionOption, RequestPermissionOutcome } from '@agentclientprotocol/sdk';
import type { z } from 'zod';
import type { PermissionPolicy } from '@flotilla/contracts';

export type PermissionPolicyValue = z.infer<typeof PermissionPolicy>;

/** The policies the daemon applies by itself. */
export type AutomaticPermissionPolicy = Exclude<PermissionPolicyValue, 'ask'>;

const PREFERENCE: Record<AutomaticPermissionPolicy, readonly PermissionOption['kind'][]> = {
  allow: ['allow_always', 'allow_once'],
  reject: ['reject_once', 'reject_always'],
};

/** Choose the outcome for one permission request under `policy`. */
export function choosePermissionOutcome(
  policy: AutomaticPermissionPolicy,
  options: readonly PermissionOption[],
): RequestPermissionOutcome {
  for (const kind of PREFERENCE[policy]) {
    const option = options.find((candidate) => candidate.kind === kind);
    if (option) return { outcome: 'selected', optionId: option.optionId };
  }
  return { outcome: 'cancelled' };
}
