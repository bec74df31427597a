/** Permission requests of policy `ask`: answered by a viewer, rejected after the timeout, cancelled when the agent stops. */
import type { RequestPermissionRequest } from '@agentclientprotocol/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlotillaError } from '@flotilla/kit';
import { createLogger } from '@flotilla/kit';
import { PermissionRequests, type PermissionResolution } from './permission-requests.js';

const params: RequestPermissionRequest = {
  sessionId: 's1',
  toolCall: { toolCallId: 't1', title: 'Write a.txt', kind: 'edit', locations: [{ path: '/w/a.txt' }] },
  options: [
    { optionId: 'yes', name: 'Allow', kind: 'allow_once' },
    { optionId: 'no', name: 'Reject', kind: 'reject_once' },
  ],
};

afterEach(() => vi.useRealTimers());

describe('PermissionRequests', () => {
  it('keeps a request open until a viewer answers with one of its options', async () => {
    const requests = new PermissionRequests(60_000, createLogger('test'));
    const resolved: PermissionResolution[] = [];
    requests.on('resolved', (resolution) => resolved.push(resolution));
    const outcome = requests.ask(params);
    const [open] = requests.open();
    expect(open?.toolCall).toEqual({ toolCallId: 't1', title: 'Write a.txt', kind: 'edit', locations: [{ path: '/w/a.txt', line: null }] });
    expect(() => requests.answer(open?.requestId ?? '', 'maybe')).toThrow(FlotillaError);
    expect(() => requests.answer('other', 'yes')).toThrow(/not open/);
    requests.answer(open?.requestId ?? '', 'yes');
    await expect(outcome).resolves.toEqual({ outcome: 'selected', optionId: 'yes' });
    expect(requests.open()).toEqual([]);
    expect(resolved).toEqual([{ requestId: open?.requestId, optionId: 'yes', by: 'viewer' }]);
    expect(() => requests.answer(open?.requestId ?? '', 'yes')).toThrow(/not open/);
  });

  it('picks the reject option after the timeout, and cancels open requests when the agent stops', async () => {
    vi.useFakeTimers();
    const requests = new PermissionRequests(1_000, createLogger('test'));
    const timedOut = requests.ask(params);
    vi.advanceTimersByTime(1_000);
    await expect(timedOut).resolves.toEqual({ outcome: 'selected', optionId: 'no' });
    const cancelled = requests.ask(params);
    requests.cancelAll();
    await expect(cancelled).resolves.toEqual({ outcome: 'cancelled' });
    expect(requests.open()).toEqual([]);
  });
});
