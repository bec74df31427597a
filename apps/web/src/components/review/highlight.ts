/**
 * Syntax highlighting of a diff's hunks: react-diff-view's `tokenize` with refractor (Prism's
 * grammars as a syntax tree) — the common languages plus JSX and TSX. react-diff-view was written
 * for refractor 3, whose `highlight` answers the list of nodes; refractor 5 answers a root
 * node, so the adapter hands react-diff-view its children (same node shapes, hast).
 */
import { tokenize, type HunkData, type HunkTokens, type TokenizeOptions } from 'react-diff-view';
import { refractor } from 'refractor';
import jsx from 'refractor/jsx';
import tsx from 'refractor/tsx';

refractor.register(jsx);
refractor.register(tsx);

/** refractor as react-diff-view calls it (refractor 3's `highlight`: the nodes, not their root). */
const refractor3 = { highlight: (text: string, language: string) => refractor.highlight(text, language).children } as unknown as Extract<TokenizeOptions, { highlight: true }>['refractor'];

/** Languages by file extension (those refractor knows under another name, or by their extension). */
const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'jsx',
  json: 'json', css: 'css', scss: 'scss', sass: 'sass', less: 'less', html: 'markup', xml: 'markup', svg: 'markup', md: 'markdown',
  py: 'python', rb: 'ruby', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', swift: 'swift', c: 'c', h: 'c', cpp: 'cpp', cc: 'cpp',
  hpp: 'cpp', cs: 'csharp', php: 'php', sh: 'bash', bash: 'bash', yml: 'yaml', yaml: 'yaml', sql: 'sql', lua: 'lua', pl: 'perl',
  r: 'r', ini: 'ini', toml: 'ini', diff: 'diff', patch: 'diff',
};

/** The refractor language of `path`, or null when none is known. */
export function languageOf(path: string): string | null {
  const name = path.split('/').pop() ?? '';
  if (name === 'Makefile') return 'makefile';
  const extension = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '';
  const language = BY_EXTENSION[extension];
  return language && refractor.registered(language) ? language : null;
}

/** The tokens of `hunks` of file `path`: highlighted when its language is known, plain otherwise. */
export function tokensOf(hunks: HunkData[], path: string): HunkTokens | null {
  const language = languageOf(path);
  try {
    return language ? tokenize(hunks, { highlight: true, refractor: refractor3, language }) : tokenize(hunks);
  } catch {
    // A grammar that cannot take this text: the diff is shown without colours.
    return null;
  }
}
