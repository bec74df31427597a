/** ACP updates into chat messages: coalesced text, tool calls and their ends, plans, drafts. */
import type { SessionUpdate } from '@agentclientprotocol/sdk';
import { describe, expect, it } from 'vitest';
import { ChatMessageTranslator, planToMarkdown } from './chat-message-translator.js';

const chunk = (text: string): SessionUpdate => ({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } });
const thought = (text: string): SessionUpdate => ({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text } });

describe('ChatMessageTranslator', () => {
  it('reports the prompt as a user message with the given id', () => {
    const translator = new ChatMessageTranslator();
    const id = '0b6a4b0e-5f51-4a39-9a0f-3f0b8f0b6f1d';
    expect(translator.userPrompt('do it', id)).toEqual([
      expect.objectContaining({ messageId: id, role: 'user', content: 'do it' }),
    ]);
    expect(translator.userPrompt('again')[0]?.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('coalesces consecutive chunks and emits them when another kind arrives or the turn ends', () => {
    const translator = new ChatMessageTranslator();
    expect(translator.translate(thought('hmm '))).toEqual([]);
    expect(translator.translate(thought('ok'))).toEqual([]);
    const afterThinking = translator.translate(chunk('Hello '));
    expect(afterThinking).toEqual([expect.objectContaining({ role: 'thinking', content: 'hmm ok' })]);
    expect(translator.translate(chunk('world'))).toEqual([]);
    // bookkeeping updates do not split the text
    expect(translator.translate({ sessionUpdate: 'available_commands_update', availableCommands: [] })).toEqual([]);
    expect(translator.translate(chunk('!'))).toEqual([]);
    expect(translator.flush()).toEqual([expect.objectContaining({ role: 'assistant', content: 'Hello world!' })]);
    expect(translator.lastAssistantText).toBe('Hello world!');
    expect(translator.flush()).toEqual([]);
  });

  it('starts a new message when a chunk names another message (ACP messageId), and joins the chunks of one message exactly as sent', () => {
    const translator = new ChatMessageTranslator();
    const of = (text: string, messageId: string): SessionUpdate => ({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text }, messageId });
    expect(translator.translate(of('I will wait ', 'm1'))).toEqual([]);
    expect(translator.translate(of('now.', 'm1'))).toEqual([]);
    expect(translator.translate(of('Long step finished.', 'm2'))).toEqual([expect.objectContaining({ role: 'assistant', content: 'I will wait now.' })]);
    expect(translator.flush()).toEqual([expect.objectContaining({ role: 'assistant', content: 'Long step finished.' })]);
  });

  it('reports an agent notice as a system message after the text before it', () => {
    const translator = new ChatMessageTranslator();
    translator.translate(chunk('Working.'));
    expect(translator.translate({ sessionUpdate: 'notice', severity: 'warning', title: 'API Usage Billing', description: 'this session is billed to the API key' })).toEqual([
      expect.objectContaining({ role: 'assistant', content: 'Working.' }),
      expect.objectContaining({ role: 'system', content: 'API Usage Billing: this session is billed to the API key' }),
    ]);
  });

  it('shows the text still being coalesced as a draft with the id its final message will have', () => {
    const translator = new ChatMessageTranslator();
    expect(translator.draft()).toBeNull();
    translator.translate(chunk('Hel'));
    const early = translator.draft();
    translator.translate(chunk('lo'));
    expect(translator.draft()).toMatchObject({ messageId: early?.messageId, role: 'assistant', content: 'Hello' });
    const [final] = translator.flush();
    expect(final).toMatchObject({ messageId: early?.messageId, content: 'Hello' });
    expect(translator.draft()).toBeNull();
  });

  it('reports a tool call and its completion with merged metadata and the diff', () => {
    const translator = new ChatMessageTranslator();
    translator.translate(chunk('writing'));
    const started = translator.translate({
      sessionUpdate: 'tool_call',
      toolCallId: 't1',
      title: 'Write a.txt',
      kind: 'edit',
      status: 'pending',
      locations: [{ path: '/ws/a.txt' }],
      rawInput: { path: '/ws/a.txt', content: 'hi' },
    });
    expect(started.map((m) => m.role)).toEqual(['assistant', 'tool']);
    expect(started[1]).toMatchObject({
      content: 'Write a.txt',
      toolMetadata: { toolCallId: 't1', kind: 'edit', title: 'Write a.txt', status: 'pending', target: '/ws/a.txt' },
    });
    expect(translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'in_progress' })).toEqual([]);
    const done = translator.translate({
      sessionUpdate: 'tool_call_update',
      toolCallId: 't1',
      status: 'completed',
      content: [{ type: 'diff', path: '/ws/a.txt', oldText: null, newText: 'hi' }],
    });
    expect(done).toEqual([
      expect.objectContaining({
        role: 'tool',
        content: 'Write a.txt',
        toolMetadata: {
          toolCallId: 't1',
          kind: 'edit',
          title: 'Write a.txt',
          status: 'completed',
          target: '/ws/a.txt',
          rawInput: { path: '/ws/a.txt', content: 'hi' },
          diff: { path: '/ws/a.txt', oldText: null, newText: 'hi' },
        },
      }),
    ]);
    // a repeated final status is not reported twice
    expect(translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'completed' })).toEqual([]);
  });

  it('renders a plan as a markdown checklist', () => {
    const translator = new ChatMessageTranslator();
    const [plan] = translator.translate({
      sessionUpdate: 'plan',
      entries: [
        { content: 'read', status: 'completed', priority: 'high' },
        { content: 'write', status: 'in_progress', priority: 'medium' },
        { content: 'test', status: 'pending', priority: 'low' },
      ],
    });
    expect(plan).toMatchObject({ role: 'plan', content: '- [x] read\n- [ ] write (in progress)\n- [ ] test' });
    expect(planToMarkdown([])).toBe('');
  });

  it('ignores echoed user chunks', () => {
    const translator = new ChatMessageTranslator();
    expect(translator.translate({ sessionUpdate: 'user_message_chunk', content: { type: 'text', text: 'x' } })).toEqual([]);
  });

  it('keeps the last bytes of a tool output, with its exit status, and marks a failed call', () => {
    const translator = new ChatMessageTranslator({ toolOutputMaxBytes: 8 });
    translator.translate({ sessionUpdate: 'tool_call', toolCallId: 'r1', title: 'make test', kind: 'execute', status: 'pending' });
    const [done] = translator.translate({
      sessionUpdate: 'tool_call_update',
      toolCallId: 'r1',
      status: 'failed',
      content: [{ type: 'content', content: { type: 'text', text: 'line 1\nline 2\nFAIL' } }],
      rawOutput: { exitCode: 3, output: 'line 1\nline 2\nFAIL' },
    });
    expect(done?.toolMetadata).toMatchObject({ status: 'failed', output: 'e 2\nFAIL', outputTruncated: true, exitCode: 3 });
  });

  it('Gemini: updates without a tool_call make one tool call, shown when titled and when final', () => {
    const translator = new ChatMessageTranslator();
    expect(translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 'g1', status: 'in_progress' })).toEqual([]);
    const done = translator.translate({
      sessionUpdate: 'tool_call_update',
      toolCallId: 'g1',
      status: 'completed',
      title: 'echo hi',
      kind: 'execute',
      content: [{ type: 'content', content: { type: 'text', text: 'hi' } }],
    });
    expect(done).toEqual([expect.objectContaining({ role: 'tool', content: 'echo hi', toolMetadata: { toolCallId: 'g1', status: 'completed', title: 'echo hi', kind: 'execute', output: 'hi' } })]);
    expect(translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 'g1', status: 'completed' })).toEqual([]);
  });

  it('Cline: updates before the tool_call; the late tool_call neither regresses the status nor adds a second call', () => {
    const translator = new ChatMessageTranslator();
    const asked = translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 'c1', title: 'run_commands', kind: 'execute', status: 'pending', rawInput: { commands: ['ls'] } });
    expect(asked.map((m) => m.toolMetadata?.status)).toEqual(['pending']);
    expect(translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 'c1', status: 'in_progress' })).toEqual([]);
    const done = translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 'c1', status: 'completed', rawOutput: 'a.txt\n' });
    expect(done.map((m) => m.toolMetadata)).toEqual([expect.objectContaining({ status: 'completed', output: 'a.txt\n' })]);
    // the tool_call after the result adds nothing new: no message
    expect(translator.translate({ sessionUpdate: 'tool_call', toolCallId: 'c1', title: 'run_commands', kind: 'execute', status: 'pending', rawInput: { commands: ['ls'] } })).toEqual([]);
  });

  it('Cline, auto-approved: a result before its tool_call, which then completes the reported call', () => {
    const translator = new ChatMessageTranslator();
    const [first] = translator.translate({ sessionUpdate: 'tool_call_update', toolCallId: 'c2', status: 'completed', rawOutput: 'done' });
    expect(first).toMatchObject({ content: 'c2', toolMetadata: { toolCallId: 'c2', status: 'completed', output: 'done' } });
    const [late] = translator.translate({ sessionUpdate: 'tool_call', toolCallId: 'c2', title: 'run_commands', kind: 'execute', status: 'pending' });
    expect(late).toMatchObject({ content: 'run_commands', toolMetadata: { toolCallId: 'c2', status: 'completed', title: 'run_commands', output: 'done' } });
    expect(new Set([first?.toolMetadata?.toolCallId, late?.toolMetadata?.toolCallId]).size).toBe(1);
  });
});
