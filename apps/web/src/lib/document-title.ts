/**
 * The tab title says where you are (issue 17, item 7): "<project> · Chat — Flotilla",
 * "<task title> — Flotilla", "Nodes — Flotilla", "Settings · <project> — Flotilla".
 */
import { useEffect } from 'react';

/** The product name every tab title ends with. */
export const APP_NAME = 'Flotilla';

/** The title of a page whose place is `parts` (most specific first; empty parts are skipped). */
export function documentTitle(...parts: Array<string | null | undefined>): string {
  const where = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return where.length === 0 ? APP_NAME : `${where.join(' · ')} — ${APP_NAME}`;
}

/** Sets the tab title to `documentTitle(...parts)` while the calling component is shown. */
export function useDocumentTitle(...parts: Array<string | null | undefined>): void {
  const title = documentTitle(...parts);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
