/**
 * One terminal of a workspace: a shell in a PTY (node-pty), started in the workspace's sandbox —
 * a person's shell in a checkout the agent wrote runs the agent's files. It outlives its viewers
 * for a while, so a viewer that reconnects finds the same shell and gets the recent output
 * replayed; without viewers for `idleTimeoutMs` it is closed.
 */
import type { IPty } from 'node-pty';
import type { PtyModule } from './pty-loader.js';

/** Output kept for a reconnecting viewer (bytes of text). */
const SCROLLBACK_CHARS = 64 * 1024;

export interface TerminalSessionOptions {
  /** The sandboxed shell: program, arguments, working directory and environment (workspace-sandbox.ts `terminalCommand`). */
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  idleTimeoutMs: number;
  onExit(): void;
  /** node-pty (pty-loader.ts). */
  pty: PtyModule;
}

export type TerminalListener = (data: string) => void;

export class TerminalSession {
  private readonly pty: IPty;
  private scrollback = '';
  private readonly listeners = new Set<TerminalListener>();
  private idleTimer: NodeJS.Timeout | undefined;
  private exited = false;

  constructor(private readonly options: TerminalSessionOptions) {
    this.pty = options.pty.spawn(options.command, [...options.args], { name: 'xterm-256color', cols: options.cols, rows: options.rows, cwd: options.cwd, env: options.env });
    this.pty.onData((data) => {
      this.scrollback = (this.scrollback + data).slice(-SCROLLBACK_CHARS);
      for (const listener of this.listeners) listener(data);
    });
    this.pty.onExit(() => {
      this.exited = true;
      clearTimeout(this.idleTimer);
      options.onExit();
    });
    this.armIdleTimer();
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Add a viewer: it gets the scrollback first, then live output. Returns the detach function. */
  attach(listener: TerminalListener): () => void {
    clearTimeout(this.idleTimer);
    if (this.scrollback) listener(this.scrollback);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.armIdleTimer();
    };
  }

  write(data: string): void {
    if (!this.exited) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exited) this.pty.resize(cols, rows);
  }

  close(): void {
    clearTimeout(this.idleTimer);
    if (!this.exited) this.pty.kill();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }
}
