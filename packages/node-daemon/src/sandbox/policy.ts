/**
 * What a sandboxed process of this node may see (DESIGN.md §7): the whole filesystem read-only,
 * except what is hidden — the daemon's data directory (daemon.db with every callback token, the
 * other workspaces), the home of the user the daemon runs as, `/root`, `/etc/flotilla` (a VM's
 * node.env and token), `/tmp` and `/run` (other processes' files and sockets), and what the
 * operator adds (FLOTILLA_SANDBOX_HIDE; the local cloud adds the CLI's state directory). What the
 * agent must run from and lies inside a hidden directory — its install (node_modules), Node.js
 * itself — is shown again read-only (FLOTILLA_SANDBOX_READ adds more); a hidden directory inside
 * such a one is hidden again. Then each sandbox adds its own writable directories.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

export interface SandboxPolicy {
  /** Directories replaced by an empty one, absolute, deepest last. */
  hidden: string[];
  /** Directories inside a hidden one shown again read-only, absolute. */
  shownAgain: string[];
  /** Hidden directories inside one shown again: hidden once more, after it. */
  hiddenAgain: string[];
}

export interface SandboxPolicyInput {
  /** FLOTILLA_DATA_DIR. */
  dataDir: string;
  /** The home of the user the daemon runs as. */
  homeDir: string;
  /** FLOTILLA_SANDBOX_HIDE. */
  hide: readonly string[];
  /** Where agents are installed (node_modules roots) and Node.js's prefix, plus FLOTILLA_SANDBOX_READ. */
  read: readonly string[];
  /** Whether a path exists (a directory that does not exist needs no hiding); default `fs.existsSync`. */
  exists?: (path: string) => boolean;
}

/** Always hidden, besides the data directory and the home directory. */
const ALWAYS_HIDDEN = ['/root', '/etc/flotilla', '/tmp', '/var/tmp', '/run'];

/** True when `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

// Plain code-unit order (not localeCompare: its collator costs the daemon's start ~6 ms).
const byDepth = (a: string, b: string) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0);

/** The policy for `input` (paths made absolute, duplicates dropped). */
export function sandboxPolicy(input: SandboxPolicyInput): SandboxPolicy {
  const exists = input.exists ?? existsSync;
  const hidden = [...new Set([input.dataDir, input.homeDir, ...ALWAYS_HIDDEN, ...input.hide].map((p) => resolve(p)))]
    .filter((p) => p !== '/' && exists(p))
    .sort(byDepth);
  const shownAgain = [...new Set(input.read.map((p) => resolve(p)))].filter((p) => hidden.some((h) => isInside(p, h) && p !== h)).sort(byDepth);
  const hiddenAgain = hidden.filter((h) => shownAgain.some((s) => isInside(h, s)));
  return { hidden, shownAgain, hiddenAgain };
}
