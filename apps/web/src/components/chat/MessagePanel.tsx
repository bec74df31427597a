/**
 * The messages of one session as a conversation (lib/messages.ts `conversationItems`: in time
 * order, one card per tool call, one plan checklist), then the ones still being written (drafts,
 * updated in place until their final text arrives). After load, reload and completion the view is
 * at the newest message; it follows new messages while the reader is at the bottom, and a reader
 * who scrolled up is left where they are, with a "↓ New messages" button when more arrive. The
 * scroll position survives the panel being hidden (the board shown instead) and shown again.
 */
import type { ChatDraft, ChatMessage } from '@flotilla/contracts';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { errorText } from '../../lib/api';
import { conversationItems } from '../../lib/messages';
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
  /** What an empty chat (no session) says; by default, to describe a task below. */
  noSessionText?: string;
}

/** Within this many pixels of the bottom, the reader counts as following. */
const STICK_THRESHOLD_PX = 48;

export function MessagePanel({ sessionId, messages, drafts, loading, error, active, hasOlder = false, loadingOlder = false, onLoadOlder, noSessionText = 'No session selected. Describe a task below and press Run Now.' }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const savedTop = useRef(0);
  const [unseen, setUnseen] = useState(false);
  const items = useMemo(() => conversationItems(messages ?? []), [messages]);
  // The newest messages first, the older ones of the page right after (lib/progressive-list.ts).
  const shown = useProgressiveList(items, sessionId);
  // Older messages put in front must not move what the reader looks at: keep the distance to the bottom.
  const fromBottom = useRef<number | null>(null);
  // Grows when a message is added or a draft grows (not when older ones are loaded in front): what
  // the reader has not seen yet when scrolled up.
  const shownSize = (messages?.at(-1)?.seq ?? 0) + (drafts ?? []).reduce((sum, draft) => sum + draft.content.length + 1, 0);
  const seenSize = useRef(shownSize);

  const toBottom = () => {
    const el = ref.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    savedTop.current = el.scrollTop;
  };

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !active) return;
    if (fromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - fromBottom.current;
      fromBottom.current = null;
      savedTop.current = el.scrollTop;
      return;
    }
    if (follow.current) toBottom();
    else {
      el.scrollTop = savedTop.current;
      if (shownSize > seenSize.current) setUnseen(true);
    }
    if (follow.current) seenSize.current = shownSize;
  }, [shown, drafts, active, shownSize]);

  // Content that grows after it is laid out (markdown, opened tool output, fonts), and the panel
  // shrinking (the header, steps or composer growing above or below it), keep a following reader at the bottom.
  useEffect(() => {
    const inner = content.current;
    const outer = ref.current;
    if (!inner || !outer || !active || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (follow.current) toBottom();
    });
    observer.observe(inner);
    observer.observe(outer);
    return () => observer.disconnect();
  }, [active]);

  // Only the reader scrolling up stops following. A scroll event is also fired for our own
  // `toBottom`, and it may be handled after content grew below (markdown rendered, older messages
  // laid out): measured then, the view looks scrolled up although the reader did nothing.
  const onScroll = () => {
    const el = ref.current;
    if (!el || !active) return;
    const movedUp = el.scrollTop < savedTop.current - 1;
    savedTop.current = el.scrollTop;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
    if (atBottom) follow.current = true;
    else if (movedUp) follow.current = false;
    if (follow.current && !atBottom) toBottom();
    if (follow.current) {
      seenSize.current = shownSize;
      setUnseen(false);
    }
  };

  const loadOlder = () => {
    const el = ref.current;
    if (el) fromBottom.current = el.scrollHeight - el.scrollTop;
    onLoadOlder?.();
  };

  const jump = () => {
    follow.current = true;
    seenSize.current = shownSize;
    setUnseen(false);
    toBottom();
  };

  return (
    <div className="messages-frame">
      <div ref={ref} className="messages" onScroll={onScroll} role="log" aria-label="Messages" aria-live="polite" aria-busy={loading} tabIndex={0}>
        <div ref={content} className="messages-content">
          {sessionId === null && <p className="empty">{noSessionText}</p>}
          {loading && <p className="muted">Loading messages…</p>}
          {error !== null && error !== undefined && <p role="alert" className="error">Could not load messages: {errorText(error)}</p>}
          {messages?.length === 0 && <p className="muted">No messages yet.</p>}
          {hasOlder && onLoadOlder && shown.length === items.length && (
            <button type="button" className="load-older" onClick={loadOlder} disabled={loadingOlder}>
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
      </div>
      {unseen && (
        <button type="button" className="new-messages" onClick={jump}>
          ↓ New messages
        </button>
      )}
    </div>
  );
}
