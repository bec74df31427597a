/**
 * Permission requests waiting for a viewer (policy `ask`; contracts agent-stream.ts): each ACP
 * `session/request_permission` of the agent session becomes an open request, emitted as
 * `requested` for the direct channel, until a viewer answers it with one of its options
 * ({@link PermissionRequests.answer}), nobody answers within the timeout (the reject option), or
 * the agent stops ({@link PermissionRequests.cancelAll}). Every resolution is emitted as `resolved`.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { RequestPermissionOutcome, RequestPermissionRequest } from '@agentclientprotocol/sdk';
import type { PermissionRequestOption, PermissionToolCall } from '@flotilla/contracts';
import { FlotillaError } from '@flotilla/kit';
import type { Logger } from '@flotilla/kit';
import { choosePermissionOutcome } from './permission-policy.js';

/** An open permission request, as viewers see it. */
export interface OpenPermissionRequest {
  requestId: string;
  requestedAt: string;
  toolCall: PermissionToolCall;
  options: PermissionRequestOption[];
}

/** How a request was resolved. */
export interface PermissionResolution {
  requestId: string;
  optionId: string | null;
  by: 'viewer' | 'timeout' | 'cancelled';
}

interface Pending {
  request: OpenPermissionRequest;
  timer: NodeJS.Timeout;
  settle: (outcome: RequestPermissionOutcome) => void;
}

/** Open requests of one agent session. Listen with `on('requested' | 'resolved', …)`. */
export class PermissionRequests extends EventEmitter<{ requested: [OpenPermissionRequest]; resolved: [PermissionResolution] }> {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Open requests, oldest first (the replay of a viewer that connects). */
  open(): OpenPermissionRequest[] {
    return [...this.pending.values()].map((entry) => entry.request);
  }

  /**
   * Put the agent's request up for a viewer; resolves with the viewer's choice, or with the reject
   * option (`cancelled` when there is none) after the timeout.
   */
  ask(params: RequestPermissionRequest): Promise<RequestPermissionOutcome> {
    const { toolCall } = params;
    const request: OpenPermissionRequest = {
      requestId: randomUUID(),
      requestedAt: new Date().toISOString(),
      toolCall: {
        toolCallId: toolCall.toolCallId,
        title: toolCall.title ?? null,
        kind: toolCall.kind ?? null,
        locations: (toolCall.locations ?? []).map((location) => ({ path: location.path, line: location.line ?? null })),
      },
      options: params.options.map((option) => ({ optionId: option.optionId, name: option.name, kind: option.kind })),
    };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const outcome = choosePermissionOutcome('reject', params.options);
        const optionId = outcome.outcome === 'selected' ? outcome.optionId : null;
        this.logger.warn('permission request not answered in time: rejected', { requestId: request.requestId, toolCallId: request.toolCall.toolCallId, timeoutMs: this.timeoutMs, optionId });
        this.settle(request.requestId, outcome, { requestId: request.requestId, optionId, by: 'timeout' });
      }, this.timeoutMs);
      this.pending.set(request.requestId, { request, timer, settle: resolve });
      this.logger.info('permission request waits for a viewer', { requestId: request.requestId, toolCallId: request.toolCall.toolCallId });
      this.emit('requested', request);
    });
  }

  /**
   * A viewer's answer.
   * @throws FlotillaError `not_found` when the request is not open (answered, timed out, unknown);
   *   `bad_request` when `optionId` is not one of its options.
   */
  answer(requestId: string, optionId: string): void {
    const entry = this.pending.get(requestId);
    if (!entry) throw new FlotillaError('not_found', `permission request ${requestId} is not open`);
    if (!entry.request.options.some((option) => option.optionId === optionId)) {
      throw new FlotillaError('bad_request', `${optionId} is not an option of permission request ${requestId}`);
    }
    this.logger.info('permission request answered by a viewer', { requestId, toolCallId: entry.request.toolCall.toolCallId, optionId });
    this.settle(requestId, { outcome: 'selected', optionId }, { requestId, optionId, by: 'viewer' });
  }

  /** The agent stopped: every open request ends `cancelled`. */
  cancelAll(): void {
    for (const requestId of [...this.pending.keys()]) {
      this.settle(requestId, { outcome: 'cancelled' }, { requestId, optionId: null, by: 'cancelled' });
    }
  }

  private settle(requestId: string, outcome: RequestPermissionOutcome, resolution: PermissionResolution): void {
    const entry = this.pending.get(requestId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(requestId);
    entry.settle(outcome);
    this.emit('resolved', resolution);
  }
}
