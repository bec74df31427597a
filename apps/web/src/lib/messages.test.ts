import type { ChatMessage } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { collapseToolCalls } from './messages';

const message = (seq: number, role: ChatMessage['role'], content: string, tool?: { id: string; status: 'pending' | 'completed' }): ChatMessage => ({
  seq,
  messageId: `m${seq}`,
  sessionId: 'ses_1',
  role,
  content,
  toolMetadata: tool ? { toolCallId: tool.id, status: tool.status, title: content } : null,
  createdAt: `2026-01-01T00:00:0${seq}Z`,
});

describe('collapseToolCalls', () => {
  it('shows one card per tool call, where it started, with its latest status', () => {
    const shown = collapseToolCalls([
      message(1, 'user', 'do it'),
      message(2, 'tool', 'Write a.md', { id: 't1', status: 'pending' }),
      message(3, 'assistant', 'writing'),
      message(4, 'tool', 'Write a.md', { id: 't1', status: 'completed' }),
    ]);
    expect(shown.map((m) => [m.seq, m.role, m.toolMetadata?.status ?? null])).toEqual([
      [1, 'user', null],
      [2, 'tool', 'completed'],
      [3, 'assistant', null],
    ]);
    expect(shown[1]?.createdAt).toBe('2026-01-01T00:00:02Z');
  });
});
