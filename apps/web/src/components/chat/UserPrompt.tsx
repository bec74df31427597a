/**
 * A prompt the user sent. A long one (lib/messages.ts USER_MESSAGE_COLLAPSE_CHARS / _LINES)
 * shows its start with a "Show more" button, and "Show less" once opened.
 */
import { useId, useState } from 'react';
import { isLongUserMessage, userMessagePreview } from '../../lib/messages';

export function UserPrompt({ content }: { content: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!isLongUserMessage(content)) return <p className="plain">{content}</p>;
  return (
    <div className="user-prompt">
      <p className="plain" id={id}>
        {open ? content : userMessagePreview(content)}
      </p>
      <button type="button" className="link-button show-more" aria-expanded={open} aria-controls={id} onClick={() => setOpen((value) => !value)}>
        {open ? 'Show less' : 'Show more'}
      </button>
    </div>
  );
}
