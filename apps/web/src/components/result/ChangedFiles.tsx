/**
 * The files a run changed, one line each: status (letter, and the word for screen readers),
 * path (old → new for a rename), +/− lines or "binary". Longer lists than SHOWN_OPEN start
 * collapsed behind "Show the N changed files".
 */
import type { DiffStat } from '@flotilla/contracts';
import { filesWord, lineCounts, statusLetter } from '../../lib/diff-summary';

/** Lists of at most this many files are shown open; longer ones start collapsed. */
const SHOWN_OPEN = 8;

export function ChangedFiles({ stat }: { stat: DiffStat }) {
  if (stat.files.length === 0) return null;
  const list = (
    <ul className="changed-files" aria-label="Changed files">
      {stat.files.map((file) => (
        <li key={`${file.oldPath ?? ''}→${file.path}`} className={`changed-file status-${file.status}`}>
          <span className="file-status" title={file.status}>
            <span aria-hidden="true">{statusLetter(file)}</span>
            <span className="visually-hidden">{file.status}</span>
          </span>
          <span className="file-path">{file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}</span>
          {file.additions === null || file.deletions === null ? (
            <span className="file-lines muted">binary</span>
          ) : (
            <span className="file-lines">
              <span className={file.additions === 0 ? 'muted' : 'added'}>+{file.additions}</span>{' '}
              <span className={file.deletions === 0 ? 'muted' : 'deleted'}>−{file.deletions}</span>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
  const more = stat.truncated ? <p className="small muted">…and {filesWord(stat.fileCount - stat.files.length)} more (counted in the totals).</p> : null;
  if (stat.files.length <= SHOWN_OPEN) {
    return (
      <>
        {list}
        {more}
      </>
    );
  }
  return (
    <details className="changed-files-details">
      <summary>
        Show the {filesWord(stat.fileCount)} changed ({lineCounts(stat.additions, stat.deletions)})
      </summary>
      {list}
      {more}
    </details>
  );
}
