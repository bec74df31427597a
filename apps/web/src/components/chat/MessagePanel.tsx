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
import { useProgressiveList } from '../../lib/progressive-list';
import { DraftItem, MessageItem } from './MessageItem';

interface Props {
  sessionId: string | null;
  messages: ChatMessage[] | undefined;
  drafts: ChatDraft[] | undefined;
  loading: boolean;
  error: unknown;
  active: boolean;
  /** Older messages than the first shown exist: a button at the top fetches them (`onLoadOlder`). */
  hasOlder?: boolean;
  loadingOlder?: boolean;
  onLoadOlder?: () => void;
}

/** Within this many pixels of the bottom, the reader counts as following. */
const STICK_THRESHOLD_PX = 48;

export function MessagePanel({ sessionId, messages, drafts, loading, error, active, hasOlder = false, loadingOlder = false, onLoadOlder }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const savedTop = useRef(0);
  // Older messages put in front must not move what the reader looks at: keep the distance to the bottom.
  const firstSeq = messages?.[0]?.seq;
  const fromBottom = useRef<number | null>(null);
  const items = useMemo(() => collapseToolCalls(messages ?? []), [messages]);
  // The newest messages first, the older ones of the page right after (lib/progressive-list.ts).
  const shown = useProgressiveList(items, sessionId);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !active) return;
    if (fromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - fromBottom.current;
      fromBottom.current = null;
      savedTop.current = el.scrollTop;
      return;
    }
    el.scrollTop = follow.current ? el.scrollHeight : savedTop.current;
  }, [shown, drafts, active]);

  const loadOlder = () => {
    const el = ref.current;
    if (el) fromBottom.current = el.scrollHeight - el.scrollTop;
    onLoadOlder?.();
  };

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
      {hasOlder && onLoadOlder && shown.length === items.length && (
        <button type="button" className="load-older" onClick={loadOlder} disabled={loadingOlder} data-first-seq={firstSeq}>
          {loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages'}
        </button>
      )}
      {shown.map((message) => (
        <MessageItem key={message.seq} message={message} />
      ))}
      {drafts?.map((draft) => (
        <DraftItem key={draft.messageId} draft={draft} />
      ))}
    </div>
  );
}
