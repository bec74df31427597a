/**
 * The page shown for something that does not exist (issue 17, item 6): an unknown project,
 * workspace or route says so in a heading, and links back to the projects list (and, when given,
 * to a closer place). No input is shown, so nothing can be typed into a thing that is not there.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useDocumentTitle } from '../../lib/document-title';

export interface NotFoundProps {
  /** The heading: "Project not found". */
  title: string;
  /** A sentence on what happened (e.g. the API's message). */
  children?: ReactNode;
  /** A closer way back than the projects list: `{ to, label }`. */
  back?: { to: string; label: string };
}

export function NotFound({ title, children, back }: NotFoundProps) {
  useDocumentTitle(title);
  return (
    <main className="not-found page narrow" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{title}</h1>
      {children && <p className="muted">{children}</p>}
      <p className="row">
        {back && (
          <Link to={back.to} className="button-link">
            {back.label}
          </Link>
        )}
        <Link to="/" className="button-link">
          Back to projects
        </Link>
      </p>
    </main>
  );
}
