/**
 * Markdown of the agent's messages, rendered by react-markdown, which is loaded as its own chunk
 * (it and its parser are about a fifth of the app's code): the first screen's script stays small,
 * and {@link preloadMarkdown}, called at start-up, fetches the chunk while the messages are on
 * their way. Until it is there, the text shows as it is.
 */
import { lazy, Suspense } from 'react';

const loadMarkdown = () => import('react-markdown');
const ReactMarkdown = lazy(loadMarkdown);

/** Start loading the markdown renderer (idempotent: the module is fetched once). */
export function preloadMarkdown(): void {
  void loadMarkdown();
}

/** `text` as markdown; as plain text while the renderer loads. */
export function Markdown({ text }: { text: string }) {
  return (
    <Suspense fallback={<p className="plain">{text}</p>}>
      <ReactMarkdown>{text}</ReactMarkdown>
    </Suspense>
  );
}
