/** Upgrade paths matched against the route table's WebSocket routes (agentStream, terminal). */
import { describe, expect, it } from 'vitest';
import { matchWebSocketRoute } from './upgrades.js';

describe('matchWebSocketRoute', () => {
  it('finds the route of an upgrade path and decodes its parameters', () => {
    expect(matchWebSocketRoute('/workspaces/ws_1/agent/ws')).toEqual({ name: 'agentStream', params: { workspaceId: 'ws_1' } });
    expect(matchWebSocketRoute('/workspaces/ws%201/terminal/ws')).toEqual({ name: 'terminal', params: { workspaceId: 'ws 1' } });
  });

  it('has no route for other paths', () => {
    expect(matchWebSocketRoute('/workspaces/ws_1/agent')).toBeNull();
    expect(matchWebSocketRoute('/workspaces/ws_1/x/agent/ws')).toBeNull();
    expect(matchWebSocketRoute('/health')).toBeNull();
  });

  it('refuses a parameter that is not valid percent-encoding with 400', () => {
    expect(() => matchWebSocketRoute('/workspaces/%E0%A4%A/agent/ws')).toThrow(expect.objectContaining({ status: 400, code: 'bad_request' }));
  });
});
