import { describe, expect, it } from 'vitest';
import type { StreamUpdate } from '../../lib/agent-stream';
import { foldUpdates } from './stream-blocks';

let seq = 0;
const update = (u: Record<string, unknown>): StreamUpdate => ({
  type: 'update',
  agentSessionId: 'as_1',
  seq: (seq += 1),
  receivedAt: '2026-01-01T00:00:00Z',
  update: { sessionUpdate: String(u.sessionUpdate), ...u },
});

describe('foldUpdates', () => {
  it('joins chunks, keeps one block per tool call with its latest status, and one plan', () => {
    const blocks = foldUpdates([
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Hel' } }),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'lo' } }),
      update({ sessionUpdate: 'plan', entries: [{ content: 'write', status: 'pending' }] }),
      update({ sessionUpdate: 'tool_call', toolCallId: 't1', title: 'Write a.md', kind: 'edit', status: 'pending' }),
      update({ sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'completed' }),
      update({ sessionUpdate: 'plan', entries: [{ content: 'write', status: 'completed' }] }),
      update({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'done?' } }),
    ]);
    expect(blocks.map((b) => b.kind)).toEqual(['text', 'plan', 'tool', 'thinking']);
    expect(blocks[0]).toMatchObject({ text: 'Hello' });
    expect(blocks[1]).toMatchObject({ entries: [{ content: 'write', status: 'completed' }] });
    expect(blocks[2]).toMatchObject({ title: 'Write a.md', status: 'completed', toolKind: 'edit' });
  });

  it('starts a new text block when a chunk names another message', () => {
    const blocks = foldUpdates([
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Waiting ' }, messageId: 'm1' }),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'now.' }, messageId: 'm1' }),
      update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Long step finished.' }, messageId: 'm2' }),
    ]);
    expect(blocks.map((b) => (b.kind === 'text' ? b.text : b.kind))).toEqual(['Waiting now.', 'Long step finished.']);
  });
});
