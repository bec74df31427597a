/**
 * The messages of one session in order, then the ones still being written (drafts, updated in
 * place until their final text arrives). Follows new messages while the reader is at the bottom;
 * a reader who scrolled up is left where they are. The scroll position survives the panel being
 * hidden (the board shown instead) and shown again.
 */
import type { ChatDraft, ChatMessage } from '@flotilla/contracts';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { errorText } from '../../lib/api';
import { collapseToolCalls } from '../../lib/messages';
import { DraftItem, MessageItem } from './MessageItem';

interface Props {
  sessionId: string | null;
  messages: ChatMessage[] | undefined;
  drafts: ChatDraft[] | undefined;
  loading: boolean;
  error: unknown;
  active: boolean;
}

/** Within this many pixels of the bottom, the reader counts as following. */
const STICK_THRESHOLD_PX = 48;

export function MessagePanel({ sessionId, messages, drafts, loading, error, active }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const savedTop = useRef(0);
  const items = useMemo(() => collapseToolCalls(messages ?? []), [messages]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !active) return;
    el.scrollTop = follow.current ? el.scrollHeight : savedTop.current;
  }, [items, drafts, active]);

  const onScroll = () => {
    const el = ref.current;
    if (!el || !active) return;
    savedTop.current = el.scrollTop;
    follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
  };

  return (
    <div ref={ref} className="messages" onScroll={onScroll} role="log" aria-label="Messages" aria-live="polite" aria-busy={loading} tabIndex={0}>
      {sessionId === null && <p className="empty">No session selected. Describe a task below and press Run Now.</p>}
      {loading && <p className="muted">Loading messages…</p>}
      {error !== null && error !== undefined && <p role="alert" className="error">Could not load messages: {errorText(error)}</p>}
      {messages?.length === 0 && <p className="muted">No messages yet.</p>}
      {items.map((message) => (
        <MessageItem key={message.seq} message={message} />
      ))}
      {drafts?.map((draft) => (
        <DraftItem key={draft.messageId} draft={draft} />
      ))}
    </div>
  );
}
