/**
 * Markdown of the agent's messages, rendered by react-markdown, which is loaded as its own chunk
 * (it and its parser are about a fifth of the app's code): the first screen's script stays small,
 * and {@link preloadMarkdown}, called at start-up, fetches the chunk while the messages are on
 * their way. Until it is there, the text shows as it is; every message shown then re-renders
 * once when it arrives. Not React.lazy: a loaded renderer is used at once, with no Suspense round.
 */
import { useSyncExternalStore } from 'react';
import type ReactMarkdownType from 'react-markdown';

let renderer: typeof ReactMarkdownType | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** Start loading the markdown renderer (idempotent: the module is fetched once). */
export function preloadMarkdown(): Promise<void> {
  loading ??= import('react-markdown').then((module) => {
    renderer = module.default;
    for (const listener of listeners) listener();
  });
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  void preloadMarkdown();
  return () => listeners.delete(listener);
}

/** `text` as markdown; as plain text while the renderer loads. */
export function Markdown({ text }: { text: string }) {
  const Renderer = useSyncExternalStore(subscribe, () => renderer);
  return Renderer ? <Renderer>{text}</Renderer> : <p className="plain">{text}</p>;
}
