/** The automatic permission policies: which option `allow` and `reject` pick, and `cancelled` when none fits. */
import type { PermissionOption } from '@agentclientprotocol/sdk';
import { describe, expect, it } from 'vitest';
import { choosePermissionOutcome } from './permission-policy.js';

const options: PermissionOption[] = [
  { optionId: 'once', name: 'Allow once', kind: 'allow_once' },
  { optionId: 'always', name: 'Always allow', kind: 'allow_always' },
  { optionId: 'no', name: 'Reject', kind: 'reject_once' },
];

describe('choosePermissionOutcome', () => {
  it('allow prefers allow_always, else allow_once', () => {
    expect(choosePermissionOutcome('allow', options)).toEqual({ outcome: 'selected', optionId: 'always' });
    expect(choosePermissionOutcome('allow', options.filter((o) => o.kind !== 'allow_always'))).toEqual({
      outcome: 'selected',
      optionId: 'once',
    });
  });

  it('reject picks reject_once', () => {
    expect(choosePermissionOutcome('reject', options)).toEqual({ outcome: 'selected', optionId: 'no' });
  });

  it('cancels when no option fits', () => {
    expect(choosePermissionOutcome('reject', options.slice(0, 2))).toEqual({ outcome: 'cancelled' });
  });
});
