/** Shaping a session's messages for display. */
import type { ChatMessage } from '@flotilla/contracts';

/**
 * A tool call is reported when it starts and again when it finishes: show one card per call, at
 * the place it started, with its latest state.
 */
export function collapseToolCalls(messages: ChatMessage[]): ChatMessage[] {
  const latest = new Map<string, ChatMessage>();
  for (const m of messages) if (m.role === 'tool' && m.toolMetadata) latest.set(m.toolMetadata.toolCallId, m);
  const shown = new Set<string>();
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const callId = m.role === 'tool' ? m.toolMetadata?.toolCallId : undefined;
    if (callId === undefined) {
      out.push(m);
      continue;
    }
    if (shown.has(callId)) continue;
    shown.add(callId);
    const last = latest.get(callId) ?? m;
    out.push({ ...last, seq: m.seq, createdAt: m.createdAt });
  }
  return out;
}
