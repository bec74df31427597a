/**
 * The form under the selected lines of a diff: a comment on them (Add comment, Cancel; Escape
 * cancels, Ctrl/Cmd+Enter adds). The text box takes the focus when it opens.
 */
import { useEffect, useId, useRef, useState } from 'react';

interface Props {
  /** "line 12 of src/a.ts": what the comment is on, for the label. */
  what: string;
  onAdd: (text: string) => void;
  onCancel: () => void;
}

export function CommentForm({ what, onAdd, onCancel }: Props) {
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  useEffect(() => box.current?.focus(), []);
  const add = () => {
    if (text.trim()) onAdd(text.trim());
  };
  return (
    <form
      className="review-comment-form"
      onSubmit={(event) => {
        event.preventDefault();
        add();
      }}
    >
      <label htmlFor={id} className="small">
        Your comment on {what}
      </label>
      <textarea
        id={id}
        ref={box}
        rows={3}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            add();
          }
        }}
      />
      <div className="row">
        <button type="submit" className="primary" disabled={!text.trim()}>
          Add comment
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
