/**
 * Fold raw ACP `session/update`s into what the workspace view shows: consecutive message or
 * thought chunks joined into one block (a chunk naming another message — ACP `messageId` — starts
 * a new block), one block per tool call (its latest title and status),
 * and the latest plan in place.
 */
import type { StreamUpdate } from '../../lib/agent-stream';

export type StreamBlock =
  | { kind: 'text' | 'thinking'; key: string; text: string; messageId?: string }
  | { kind: 'tool'; key: string; title: string; status: string; toolKind: string }
  | { kind: 'plan'; key: string; entries: Array<{ content: string; status: string }> };

interface LooseUpdate {
  sessionUpdate: string;
  content?: { type?: string; text?: string };
  messageId?: string | null;
  toolCallId?: string;
  title?: string;
  status?: string;
  kind?: string;
  entries?: Array<{ content?: string; status?: string }>;
}

export function foldUpdates(updates: StreamUpdate[]): StreamBlock[] {
  const blocks: StreamBlock[] = [];
  const tools = new Map<string, Extract<StreamBlock, { kind: 'tool' }>>();
  for (const { seq, update } of updates) {
    const u = update as LooseUpdate;
    const last = blocks.at(-1);
    if (u.sessionUpdate === 'agent_message_chunk' || u.sessionUpdate === 'agent_thought_chunk') {
      const kind = u.sessionUpdate === 'agent_message_chunk' ? 'text' : 'thinking';
      const text = u.content?.type === 'text' ? (u.content.text ?? '') : '';
      const messageId = u.messageId ?? undefined;
      const sameMessage = last?.kind === kind && (messageId === undefined || last.messageId === undefined || last.messageId === messageId);
      if (last && last.kind === kind && sameMessage) {
        last.text += text;
        last.messageId ??= messageId;
      } else blocks.push({ kind, key: `s${seq}`, text, ...(messageId !== undefined ? { messageId } : {}) });
    } else if (u.sessionUpdate === 'tool_call' && u.toolCallId) {
      const block = { kind: 'tool' as const, key: `s${seq}`, title: u.title ?? 'tool', status: u.status ?? 'pending', toolKind: u.kind ?? 'tool' };
      tools.set(u.toolCallId, block);
      blocks.push(block);
    } else if (u.sessionUpdate === 'tool_call_update' && u.toolCallId) {
      const block = tools.get(u.toolCallId);
      if (block) {
        block.status = u.status ?? block.status;
        block.title = u.title ?? block.title;
      }
    } else if (u.sessionUpdate === 'plan') {
      const entries = (u.entries ?? []).map((e) => ({ content: e.content ?? '', status: e.status ?? 'pending' }));
      const existing = blocks.find((b) => b.kind === 'plan');
      if (existing && existing.kind === 'plan') existing.entries = entries;
      else blocks.push({ kind: 'plan', key: `s${seq}`, entries });
    }
  }
  return blocks;
}
