/**
 * node-pty, loaded on first use. It is a native addon that compiles on install, and on a VM it is
 * an optional package (artifact manifest `optionalDependencies`): when its build failed, the
 * daemon still runs agents and only terminals are unavailable, saying why.
 */
import type * as NodePty from 'node-pty';

export type PtyModule = typeof NodePty;

let loading: Promise<PtyModule | Error> | undefined;

/** node-pty, or the Error that loading it raised (cached: it is tried once per process). */
export function loadPty(): Promise<PtyModule | Error> {
  loading ??= import('node-pty').then(
    // A CommonJS module imported from ESM: its exports object is the default export.
    (module: PtyModule & { default?: PtyModule }) => (module.default?.spawn ? module.default : module),
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  return loading;
}
