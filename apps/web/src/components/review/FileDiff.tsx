/**
 * One file of a task's diff (react-diff-view): its path and +/−, its hunks highlighted, in the
 * unified or split view. Each line number is a button: click selects the line, shift-click
 * extends the selection (within the file); a comment form opens under the selection, and the
 * comments already written show under the line they end on.
 */
import { memo, useMemo, type ReactNode } from 'react';
import { Diff, getChangeKey, Hunk, isDelete, isInsert, type FileData, type GutterOptions, type ViewType } from 'react-diff-view';
import { lineWords, type ReviewComment } from '../../lib/review';
import { CommentForm } from './CommentForm';
import { changesOf, linesOf, selectedKeys, type LineSelection } from './diff-lines';
import { tokensOf } from './highlight';

/** A comment of the review, with the change it is shown under. */
export interface DraftComment extends ReviewComment {
  changeKey: string;
}

interface Props {
  file: FileData;
  viewType: ViewType;
  /** The selection, when it is in this file. */
  selection: LineSelection | null;
  comments: readonly DraftComment[];
  /** Select lines to comment on; absent: the diff is read only (a viewer, issue 14 item 2), its line numbers plain. */
  onSelect?: (selection: LineSelection | null) => void;
  onAddComment: (comment: Omit<DraftComment, 'id'>) => void;
  onRemoveComment: (id: string) => void;
}

/** The path a file of the diff is known by: its new path, the old one for a deleted file. */
export function pathOf(file: FileData): string {
  return file.type === 'delete' ? file.oldPath : file.newPath;
}

const TYPE_WORDS: Record<FileData['type'], string> = { add: 'added', delete: 'deleted', modify: 'modified', rename: 'renamed', copy: 'copied' };

export const FileDiff = memo(function FileDiff({ file, viewType, selection, comments, onSelect, onAddComment, onRemoveComment }: Props) {
  const path = pathOf(file);
  const changes = useMemo(() => changesOf(file.hunks), [file.hunks]);
  const tokens = useMemo(() => tokensOf(file.hunks, path), [file.hunks, path]);
  const additions = changes.filter(isInsert).length;
  const deletions = changes.filter(isDelete).length;
  const selected = useMemo(() => (selection ? selectedKeys(changes, selection) : []), [changes, selection]);
  const selectedChanges = changes.filter((change) => selected.includes(getChangeKey(change)));
  const lastKey = selected[selected.length - 1];

  const widgets: Record<string, ReactNode> = {};
  for (const comment of comments) {
    widgets[comment.changeKey] = (
      <>
        {widgets[comment.changeKey]}
        <div className="review-inline-comment" data-testid="inline-comment">
          <span className="small muted">{lineWords(comment)}</span>
          <p>{comment.text}</p>
          <button type="button" className="link-button small" onClick={() => onRemoveComment(comment.id)} aria-label={`Remove the comment on ${lineWords(comment)} of ${path}`}>
            Remove
          </button>
        </div>
      </>
    );
  }
  if (lastKey && selectedChanges.length > 0) {
    const lines = linesOf(selectedChanges);
    widgets[lastKey] = (
      <>
        {widgets[lastKey]}
        <CommentForm
          what={`${lineWords(lines)} of ${path}`}
          onCancel={() => onSelect?.(null)}
          onAdd={(text) => {
            onAddComment({ path, ...lines, text, changeKey: lastKey });
            onSelect?.(null);
          }}
        />
      </>
    );
  }

  /** The line-number cell: a button on the side where the line lives (old for a removed line). */
  const renderGutter = ({ change, side, renderDefault }: GutterOptions) => {
    const home = isDelete(change) ? 'old' : 'new';
    if (side !== home) return renderDefault();
    const key = getChangeKey(change);
    const line = linesOf([change]);
    return (
      <button
        type="button"
        className="diff-line-button"
        aria-label={`Comment on ${lineWords(line)} of ${path}`}
        aria-pressed={selected.includes(key)}
        onClick={(event) => {
          const extend = event.shiftKey && selection !== null && selection.path === path;
          onSelect?.({ path, anchorKey: extend ? selection.anchorKey : key, focusKey: key });
        }}
      >
        {renderDefault()}
      </button>
    );
  };

  const renamed = file.type === 'rename' || file.type === 'copy';
  return (
    <details className="review-file" open data-path={path}>
      <summary>
        <code className="review-file-path">{renamed ? `${file.oldPath} → ${file.newPath}` : path}</code>
        <span className="small muted">{TYPE_WORDS[file.type]}</span>
        <span className="small diff-add">+{additions}</span>
        <span className="small diff-del">−{deletions}</span>
      </summary>
      {file.hunks.length === 0 ? (
        <p className="small muted review-file-note">{file.isBinary ? 'A binary file: its content is not shown.' : 'No lines changed (a rename or a mode change).'}</p>
      ) : (
        <div className="review-file-body">
          <Diff
            viewType={viewType}
            diffType={file.type}
            hunks={file.hunks}
            tokens={tokens}
            widgets={widgets}
            selectedChanges={selected}
            renderGutter={onSelect ? renderGutter : undefined}
          >
            {(hunks) => hunks.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
          </Diff>
        </div>
      )}
    </details>
  );
});
