/**
 * A terminal in the workspace: xterm.js joined over WebSocket to a shell in a PTY on the node
 * daemon (`{node}/workspaces/:id/terminal/ws`, with the viewer token). Keystrokes and resizes go
 * up, output comes down; after a drop it reconnects with a fresh token and the daemon replays
 * the recent output of the same shell.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '../../lib/api';
import { createReconnector } from '../../lib/backoff';


const DARK = { background: '#111418', foreground: '#e8eaed', cursor: '#8ab8ff' };
const LIGHT = { background: '#ffffff', foreground: '#1b1f24', cursor: '#1f5fbf', selectionBackground: '#c6d8f5' };

export function TerminalView({ projectId, workspaceId }: { projectId: string; workspaceId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return undefined;
    const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const term = new Terminal({ fontSize: 13, cursorBlink: true, theme: dark ? DARK : LIGHT });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    fit.fit();

    let socket: WebSocket | null = null;
    let connections = 0;
    const send = (message: object) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    };
    const input = term.onData((data) => send({ type: 'input', data }));
    const resize = term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);

    const reconnector = createReconnector(() => void connect());
    const retry = () => {
      if (reconnector.stopped) return;
      setState('offline');
      reconnector.retry();
    };
    const connect = async () => {
      setState('connecting');
      let url: string;
      try {
        const viewer = await api.viewerToken(projectId, workspaceId);
        url = `${viewer.url.replace(/\/agent\/ws$/, '/terminal/ws')}?token=${encodeURIComponent(viewer.token)}&cols=${term.cols}&rows=${term.rows}`;
      } catch (error) {
        setProblem(errorText(error));
        retry();
        return;
      }
      if (reconnector.stopped) return;
      const ws = new WebSocket(url);
      socket = ws;
      ws.onopen = () => {
        // The daemon replays the shell's recent output: start from a clean screen.
        if (connections > 0) term.reset();
        connections += 1;
        reconnector.reset();
        setProblem(null);
        setState('live');
      };
      ws.onmessage = (message) => term.write(String(message.data));
      ws.onclose = () => retry();
    };
    void connect();

    return () => {
      reconnector.stop();
      observer.disconnect();
      input.dispose();
      resize.dispose();
      socket?.close(1000, 'leaving');
      term.dispose();
    };
  }, [projectId, workspaceId]);

  return (
    <section className="terminal-panel" aria-label="Terminal">
      <div className="terminal-bar small">
        <span>Terminal</span>
        <span className={`socket ${state}`}>{state === 'live' ? 'connected' : state === 'connecting' ? 'connecting…' : 'reconnecting…'}</span>
      </div>
      {problem && <p role="alert" className="error small">{problem}</p>}
      <div ref={host} className="terminal" data-testid="terminal" />
    </section>
  );
}
