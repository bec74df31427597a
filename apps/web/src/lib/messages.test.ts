import type { ChatMessage } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { collapsePlans, collapseToolCalls, conversationItems, inTimeOrder, isAgentNotice, isLongUserMessage, parsePlan, userMessagePreview } from './messages';

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

  it('gives a call id reused by a new agent (a resumed task) a card of its own', () => {
    const shown = collapseToolCalls([
      message(1, 'tool', 'Write a.md', { id: 't1', status: 'pending' }),
      message(2, 'tool', 'Write a.md', { id: 't1', status: 'completed' }),
      message(3, 'user', 'more'),
      message(4, 'tool', 'Write b.md', { id: 't1', status: 'pending' }),
      message(5, 'tool', 'Write b.md', { id: 't1', status: 'completed' }),
    ]);
    expect(shown.map((m) => [m.seq, m.content, m.toolMetadata?.status ?? null])).toEqual([
      [1, 'Write a.md', 'completed'],
      [3, 'more', null],
      [4, 'Write b.md', 'completed'],
    ]);
  });
});

const at = (seq: number, role: ChatMessage['role'], content: string, createdAt: string): ChatMessage => ({ ...message(seq, role, content), createdAt });

describe('inTimeOrder', () => {
  it('puts a note stored while an agent message was being written after that message', () => {
    const ordered = inTimeOrder([
      at(1, 'user', 'do it', '2026-01-01T02:25:00Z'),
      at(2, 'system', 'Task cancelled', '2026-01-01T02:25:10Z'),
      at(3, 'assistant', 'working on it', '2026-01-01T02:25:03Z'),
    ]);
    expect(ordered.map((m) => m.seq)).toEqual([1, 3, 2]);
  });

  it('keeps the stored order for equal times and does not change its argument', () => {
    const input = [at(2, 'assistant', 'b', '2026-01-01T00:00:00Z'), at(1, 'assistant', 'a', '2026-01-01T00:00:00Z')];
    expect(inTimeOrder(input).map((m) => m.seq)).toEqual([1, 2]);
    expect(input.map((m) => m.seq)).toEqual([2, 1]);
  });
});

describe('parsePlan', () => {
  it('reads the stored checklist: done, in progress and to do', () => {
    expect(parsePlan('- [x] Read the code\n- [ ] Fix the bug (in progress)\n- [ ] Run the tests')).toEqual([
      { content: 'Read the code', status: 'completed' },
      { content: 'Fix the bug', status: 'in_progress' },
      { content: 'Run the tests', status: 'pending' },
    ]);
  });

  it('keeps a line of another form as a pending entry', () => {
    expect(parsePlan('- just a bullet')).toEqual([{ content: 'just a bullet', status: 'pending' }]);
  });
});

describe('collapsePlans', () => {
  it('shows one plan, where the first one was, with the latest entries', () => {
    const shown = collapsePlans([message(1, 'plan', '- [ ] a'), message(2, 'assistant', 'working'), message(3, 'plan', '- [x] a')]);
    expect(shown.map((m) => [m.seq, m.role, m.content])).toEqual([
      [1, 'plan', '- [x] a'],
      [2, 'assistant', 'working'],
    ]);
  });
});

describe('conversationItems', () => {
  it('orders by time, then collapses tool calls and plans', () => {
    const shown = conversationItems([
      at(1, 'plan', '- [ ] a', '2026-01-01T00:00:01Z'),
      at(3, 'plan', '- [x] a', '2026-01-01T00:00:03Z'),
      at(2, 'assistant', 'first', '2026-01-01T00:00:02Z'),
    ]);
    expect(shown.map((m) => [m.seq, m.content])).toEqual([
      [1, '- [x] a'],
      [2, 'first'],
    ]);
  });
});

describe('isAgentNotice', () => {
  const assistant = (content: string) => ({ role: 'assistant' as const, content });
  it('counts a short warning the agent prints about itself', () => {
    expect(isAgentNotice(assistant('\u26a0 Your API key is set: usage goes to API Usage Billing through the gateway.'))).toBe(true);
    expect(isAgentNotice(assistant('Warning: rate limit reached, retrying in 30 s.'))).toBe(true);
    expect(isAgentNotice(assistant('Heads up warning: billing goes to the API key of the gateway.'))).toBe(true);
    expect(isAgentNotice(assistant('Auth warning: billing goes to the API key of the gateway.'))).toBe(true);
  });

  it('does not count answers, long text or other roles', () => {
    expect(isAgentNotice(assistant('The build works but one test fails.'))).toBe(false);
    expect(isAgentNotice(assistant('I checked the billing module: the gateway adds the API key.'))).toBe(false);
    expect(isAgentNotice(assistant(`Warning: ${'x'.repeat(700)}`))).toBe(false);
    expect(isAgentNotice(assistant('Warning: first paragraph.\n\nSecond paragraph.'))).toBe(false);
    expect(isAgentNotice({ role: 'user', content: 'Warning: do not break it' })).toBe(false);
  });
});

describe('long user messages', () => {
  it('collapses a prompt over the limit, showing its start', () => {
    const long = 'a'.repeat(5000);
    expect(isLongUserMessage(long)).toBe(true);
    expect(isLongUserMessage('short prompt')).toBe(false);
    expect(isLongUserMessage(Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'))).toBe(true);
    expect(userMessagePreview(long).length).toBeLessThan(1300);
    expect(userMessagePreview(long).endsWith('…')).toBe(true);
  });
});
