/**
 * The workspace's live agent stream, straight from the node daemon (contracts agent-stream.ts):
 * a viewer token from `POST …/workspaces/:workspaceId/viewer-token`, then a WebSocket to the
 * daemon that replays the raw ACP updates after `after` and streams new ones. On a drop it
 * reconnects with a fresh token from the last `seq` seen. Follow-up prompts go the same way, and
 * so do answers to the agent's permission requests (policy `ask`): open ones are replayed on every
 * connect, so the list is rebuilt then.
 */
import { AgentStreamEvent } from '@flotilla/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText } from './api';
import { createReconnector } from './backoff';

export type StreamUpdate = Extract<AgentStreamEvent, { type: 'update' }>;
export type PermissionRequestEvent = Extract<AgentStreamEvent, { type: 'permission.requested' }>;
export type PermissionResolvedEvent = Extract<AgentStreamEvent, { type: 'permission.resolved' }>;

/** A permission request seen on the stream: open while `resolution` is null. */
export interface PermissionRequestView {
  request: PermissionRequestEvent;
  resolution: PermissionResolvedEvent | null;
}

export interface AgentStream {
  updates: StreamUpdate[];
  state: 'connecting' | 'live' | 'offline' | 'gone';
  /** The last problem: a refused connection, or a refused prompt. */
  problem: string | null;
  /** The outcome of the last prompt sent (`queued`, `delivered`, `duplicate`). */
  lastDelivery: string | null;
  /** Permission requests of this connection, oldest first (answered ones carry their outcome). */
  permissions: PermissionRequestView[];
  sendPrompt(text: string): boolean;
  /** Answer an open permission request with one of its options; false when offline. */
  answerPermission(requestId: string, optionId: string): boolean;
}


/**
 * @param reconnectKey - a change reconnects at once (e.g. after a prompt that started the agent
 *   of a workspace created by hand, whose channel refuses viewers until then); updates already
 *   received are kept and the new connection resumes after them.
 */
export function useAgentStream(projectId: string, workspaceId: string, reconnectKey = 0): AgentStream {
  const [updates, setUpdates] = useState<StreamUpdate[]>([]);
  const [state, setState] = useState<AgentStream['state']>('connecting');
  const [problem, setProblem] = useState<string | null>(null);
  const [lastDelivery, setLastDelivery] = useState<string | null>(null);
  const [permissions, setPermissions] = useState<PermissionRequestView[]>([]);
  const socketRef = useRef<WebSocket | null>(null);
  const lastSeq = useRef(0);

  useEffect(() => {
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
        url = `${viewer.url}?token=${encodeURIComponent(viewer.token)}&after=${lastSeq.current}`;
      } catch (error) {
        setProblem(errorText(error));
        // A workspace that is gone or not running any more will not come back.
        if (error instanceof Error && /not found|not running/i.test(error.message)) setState('gone');
        else retry();
        return;
      }
      if (reconnector.stopped) return;
      const ws = new WebSocket(url);
      socketRef.current = ws;
      ws.onopen = () => {
        reconnector.reset();
        setProblem(null);
        setState('live');
        // Requests still open are replayed by the daemon; the others were resolved meanwhile.
        setPermissions((current) => current.filter((entry) => entry.resolution !== null));
      };
      ws.onmessage = (message) => {
        const parsed = AgentStreamEvent.safeParse(safeJson(String(message.data)));
        if (!parsed.success) return;
        const event = parsed.data;
        if (event.type === 'update') {
          if (event.seq <= lastSeq.current) return;
          lastSeq.current = event.seq;
          setUpdates((current) => [...current, event]);
        } else if (event.type === 'prompt.accepted') setLastDelivery(event.delivery);
        else if (event.type === 'permission.requested') {
          setPermissions((current) =>
            current.some((entry) => entry.request.requestId === event.requestId) ? current : [...current, { request: event, resolution: null }],
          );
        } else if (event.type === 'permission.resolved') {
          setPermissions((current) => current.map((entry) => (entry.request.requestId === event.requestId ? { ...entry, resolution: event } : entry)));
        } else setProblem(event.message);
      };
      ws.onclose = () => {
        if (socketRef.current === ws) socketRef.current = null;
        retry();
      };
    };
    void connect();

    return () => {
      reconnector.stop();
      socketRef.current?.close(1000, 'leaving');
    };
  }, [projectId, workspaceId, reconnectKey]);

  const sendPrompt = useCallback((text: string) => {
    const ws = socketRef.current;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    setLastDelivery(null);
    ws.send(JSON.stringify({ type: 'prompt', text }));
    return true;
  }, []);

  const answerPermission = useCallback((requestId: string, optionId: string) => {
    const ws = socketRef.current;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify({ type: 'permission', requestId, optionId }));
    return true;
  }, []);

  return { updates, state, problem, lastDelivery, permissions, sendPrompt, answerPermission };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
