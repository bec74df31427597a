/**
 * Shaping a session's messages for display: in time order, one card per tool call, one checklist
 * per session for the agent's plan, and agent notices (warnings the agent prints about itself,
 * such as Claude Code's billing/gateway warning) told apart from the agent's answers.
 */
import type { ChatMessage } from '@flotilla/contracts';

/**
 * A tool call is reported when it starts and again when it finishes: show one card per call, at
 * the place it started, with its latest state. A call's id is unique within one agent session
 * only: a session continued by a new agent (a retry, a resume) may reuse it. The node daemon never
 * reports a call as running again once it ended, so an id reported running after it ended is a
 * new call of a new agent, with a card of its own.
 */
export function collapseToolCalls(messages: ChatMessage[]): ChatMessage[] {
  /** The card key of each tool message: its call id, and how many times that id started anew. */
  const keys = new Map<ChatMessage, string>();
  const generation = new Map<string, { count: number; ended: boolean }>();
  for (const m of messages) {
    const callId = m.role === 'tool' ? m.toolMetadata?.toolCallId : undefined;
    if (callId === undefined) continue;
    const ended = m.toolMetadata?.status === 'completed' || m.toolMetadata?.status === 'failed';
    const seen = generation.get(callId);
    const count = seen === undefined ? 0 : seen.ended && !ended ? seen.count + 1 : seen.count;
    generation.set(callId, { count, ended });
    keys.set(m, `${callId}#${count}`);
  }
  const latest = new Map<string, ChatMessage>();
  for (const m of messages) {
    const key = keys.get(m);
    if (key !== undefined) latest.set(key, m);
  }
  const shown = new Set<string>();
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const key = keys.get(m);
    if (key === undefined) {
      out.push(m);
      continue;
    }
    if (shown.has(key)) continue;
    shown.add(key);
    const last = latest.get(key) ?? m;
    out.push({ ...last, seq: m.seq, createdAt: m.createdAt });
  }
  return out;
}

/**
 * Messages in the order they happened: by `createdAt` (when the message started — an agent's
 * text is stamped when its first chunk arrived, though it is stored when it ends), then by `seq`
 * (the stored order) for equal or unreadable times. So a note stored while an agent message was
 * still being written (e.g. "Task cancelled") comes after that message. Does not change `messages`.
 */
export function inTimeOrder(messages: readonly ChatMessage[]): ChatMessage[] {
  const time = (m: ChatMessage): number => {
    const t = Date.parse(m.createdAt);
    return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  };
  return [...messages].sort((a, b) => time(a) - time(b) || a.seq - b.seq);
}

/** Status of one plan entry (ACP `PlanEntryStatus`). */
export type PlanEntryStatus = 'pending' | 'in_progress' | 'completed';

export interface PlanEntry {
  content: string;
  status: PlanEntryStatus;
}

const PLAN_LINE = /^\s*[-*]\s+\[( |x|X)\]\s+(.*)$/;
const IN_PROGRESS_SUFFIX = ' (in progress)';

/**
 * The entries of a stored `plan` message. The node daemon stores a plan as a markdown checklist
 * (`planToMarkdown` in the daemon's chat-message-translator.ts): `- [x] done`,
 * `- [ ] doing (in progress)`, `- [ ] to do`. Lines of another form are kept as pending entries.
 */
export function parsePlan(content: string): PlanEntry[] {
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line): PlanEntry => {
      const match = PLAN_LINE.exec(line);
      if (!match) return { content: line.trim().replace(/^[-*]\s+/, ''), status: 'pending' };
      const text = match[2] ?? '';
      if (match[1] !== ' ') return { content: text, status: 'completed' };
      if (text.endsWith(IN_PROGRESS_SUFFIX)) return { content: text.slice(0, -IN_PROGRESS_SUFFIX.length), status: 'in_progress' };
      return { content: text, status: 'pending' };
    });
}

/**
 * One checklist per session: every `plan` message after the first is folded into the first one
 * (which keeps its place and takes the latest plan's content and time), since each plan update
 * the agent sends is the whole plan as it stands.
 */
export function collapsePlans(messages: ChatMessage[]): ChatMessage[] {
  const plans = messages.filter((m) => m.role === 'plan');
  const first = plans[0];
  const last = plans.at(-1);
  if (!first || !last || first === last) return messages;
  return messages.filter((m) => m.role !== 'plan' || m === first).map((m) => (m === first ? { ...last, seq: first.seq, createdAt: first.createdAt } : m));
}

/** Longest text, in characters, an agent notice can have; longer text is an answer. */
const NOTICE_MAX_CHARS = 600;
/** A warning sign, or a "Warning:"/"Notice:"/"Note:" label, opening the text. */
const NOTICE_OPENING = /^(?:\u26a0\ufe0f?|warning\s*:|notice\s*:|note\s*:)/i;
/** Words of the warnings agents print about their own setup (Claude Code: the API key's billing, an auth conflict). */
const NOTICE_TOPIC = /\b(?:api usage billing|auth(?:entication)? conflict|api key|billing|gateway|rate limit|usage limit)\b/i;

/**
 * Whether an `assistant` message is a notice of the agent about itself (its setup, billing,
 * limits) rather than an answer: short (at most NOTICE_MAX_CHARS), one paragraph, and opening
 * with a warning sign or a "Warning:"/"Notice:"/"Note:" label. A short one-paragraph text about
 * the agent's API key, billing, gateway or limits that opens with a warning-like word counts too
 * (Claude Code prints its billing warning as ordinary text: "⚠ … API Usage Billing …"). The
 * rule is a heuristic; other messages are answers.
 */
export function isAgentNotice(message: Pick<ChatMessage, 'role' | 'content'>): boolean {
  if (message.role !== 'assistant') return false;
  const text = message.content.trim();
  if (text.length === 0 || text.length > NOTICE_MAX_CHARS || /\n\s*\n/.test(text)) return false;
  if (NOTICE_OPENING.test(text)) return true;
  return NOTICE_TOPIC.test(text) && /^(?:\S+\s+){0,3}(?:warning|notice|heads up|attention)\b/i.test(text);
}

/**
 * What the chat shows for a session's stored messages: in time order ({@link inTimeOrder}), one
 * card per tool call ({@link collapseToolCalls}), one checklist for the plan ({@link collapsePlans}).
 */
export function conversationItems(messages: readonly ChatMessage[]): ChatMessage[] {
  return collapsePlans(collapseToolCalls(inTimeOrder(messages)));
}

/** A user message longer than this many characters starts collapsed. */
export const USER_MESSAGE_COLLAPSE_CHARS = 1200;
/** A user message of more than this many lines starts collapsed. */
export const USER_MESSAGE_COLLAPSE_LINES = 12;

/** Whether a user message is long enough to start collapsed (USER_MESSAGE_COLLAPSE_CHARS / _LINES). */
export function isLongUserMessage(content: string): boolean {
  return content.length > USER_MESSAGE_COLLAPSE_CHARS || content.split('\n').length > USER_MESSAGE_COLLAPSE_LINES;
}

/** The start of a long user message shown while it is collapsed: its first lines, at most USER_MESSAGE_COLLAPSE_CHARS characters, with "…". */
export function userMessagePreview(content: string): string {
  const lines = content.split('\n').slice(0, USER_MESSAGE_COLLAPSE_LINES).join('\n');
  const cut = lines.length > USER_MESSAGE_COLLAPSE_CHARS ? lines.slice(0, USER_MESSAGE_COLLAPSE_CHARS) : lines;
  return `${cut.trimEnd()}…`;
}
