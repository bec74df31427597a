/**
 * One chat message, styled by role: markdown for the agent's text, a checklist for its plan,
 * cards for tools, a long prompt collapsed; system notes and the agent's notices about itself
 * (lib/messages.ts `isAgentNotice`) as muted notes apart from the agent's answers; and a message
 * still being written (a draft), marked as such. A user message names its author when it has one
 * (avatar and login, members/MessageAuthor.tsx), "You" otherwise.
 */
import type { ChatDraft, ChatMessage } from '@flotilla/contracts';
import { memo } from 'react';
import { isAgentNotice, parsePlan } from '../../lib/messages';
import { clockTime } from '../../lib/time';
import { MessageAuthor } from '../members/MessageAuthor';
import { Markdown } from './Markdown';
import { PlanChecklist } from './PlanChecklist';
import { ToolCallCard } from './ToolCallCard';
import { UserPrompt } from './UserPrompt';

const ROLE_LABELS: Record<ChatMessage['role'], string> = {
  user: 'You',
  assistant: 'Agent',
  tool: 'Tool',
  thinking: 'Thinking',
  plan: 'Plan',
  system: 'System',
};

/** Memoised: a stored message never changes, and markdown is not parsed again on every render. */
export const MessageItem = memo(function MessageItem({ message }: { message: ChatMessage }) {
  const notice = isAgentNotice(message);
  const note = notice || message.role === 'system';
  const label = notice ? 'Agent notice' : message.role === 'system' ? 'System note' : `${ROLE_LABELS[message.role]} message`;
  return (
    <article className={`message ${message.role}${note ? ' note' : ''}${notice ? ' agent-notice' : ''}`} aria-label={label} data-seq={message.seq}>
      <div className="message-meta">
        {message.role === 'user' && message.author ? <MessageAuthor author={message.author} /> : <span className="role">{notice ? 'Notice' : ROLE_LABELS[message.role]}</span>}
        <time dateTime={message.createdAt} className="muted small">
          {clockTime(message.createdAt)}
        </time>
      </div>
      <MessageBody message={message} />
    </article>
  );
});

/** A message its agent is still writing: its text so far, replaced in place as it grows. */
export function DraftItem({ draft }: { draft: ChatDraft }) {
  return (
    <article className={`message ${draft.role} draft`} aria-label={`${ROLE_LABELS[draft.role]} message, being written`} aria-busy="true">
      <div className="message-meta">
        <span className="role">{ROLE_LABELS[draft.role]}</span>
        <span className="muted small writing">writing…</span>
      </div>
      <MessageBody message={{ ...draft, seq: 0, toolMetadata: null }} />
    </article>
  );
}

function MessageBody({ message }: { message: ChatMessage }) {
  if (message.role === 'tool' && message.toolMetadata) return <ToolCallCard content={message.content} tool={message.toolMetadata} />;
  if (message.role === 'plan') return <PlanChecklist entries={parsePlan(message.content)} />;
  if (message.role === 'user') return <UserPrompt content={message.content} />;
  if (message.role === 'assistant') {
    return (
      <div className="markdown">
        <Markdown text={message.content} />
      </div>
    );
  }
  return <p className="plain">{message.content}</p>;
}
