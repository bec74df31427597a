/**
 * A review of a task's diff (issue 16 item 1): comments on lines of its files, sent to the agent
 * as ONE follow-up prompt in which every comment names its file and line(s), e.g.
 * "Review comments:\n\n`src/a.ts` line 12: …". Lines are those of the new version of the file;
 * a comment on lines the change removed names them as removed lines of the old version.
 */

/** Which version of the file a comment's line numbers count in. */
export type ReviewSide = 'new' | 'old';

export interface ReviewComment {
  /** Unique in the review (for lists and removal). */
  id: string;
  /** The file's path (its new path; the old one for a deleted file). */
  path: string;
  side: ReviewSide;
  /** First and last line commented on (1-based, inclusive; equal for one line). */
  startLine: number;
  endLine: number;
  text: string;
}

/** "line 12", "lines 12–14", "removed line 7", "removed lines 7–9". */
export function lineWords(comment: Pick<ReviewComment, 'side' | 'startLine' | 'endLine'>): string {
  const prefix = comment.side === 'old' ? 'removed ' : '';
  return comment.startLine === comment.endLine ? `${prefix}line ${comment.startLine}` : `${prefix}lines ${comment.startLine}–${comment.endLine}`;
}

/**
 * The follow-up prompt of a review: a heading, then one paragraph per comment —
 * "`path` line N: text" — in the order the files and lines come in the diff
 * (`order`: the files' paths in diff order; comments on other paths come last).
 */
export function formatReview(comments: readonly ReviewComment[], order: readonly string[] = []): string {
  const rank = (path: string) => {
    const at = order.indexOf(path);
    return at === -1 ? order.length : at;
  };
  const sorted = [...comments].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path) || a.startLine - b.startLine);
  const paragraphs = sorted.map((c) => `\`${c.path}\` ${lineWords(c)}: ${c.text.trim()}`);
  return `Review comments:\n\n${paragraphs.join('\n\n')}`;
}
