/**
 * ProjectData: one Durable Object per project holding its chat sessions and messages
 * (DESIGN.md §4), and the hibernatable WebSockets of the project's viewers. A thin class over
 * `chat-repository.ts`; every method is an RPC method called by the Worker.
 */
import type { ChatMessage, ChatMessageInput, ChatSession, ProjectEvent } from '@flotilla/contracts';
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../../env.js';
import * as chat from './chat-repository.js';
import { migrate } from './schema.js';

export type PersistBatchOutcome =
  | { ok: true; persisted: number; duplicates: number }
  | { ok: false; error: 'session_not_found'; sessionId: string };

/** Most messages sent as backlog to a (re)connecting viewer in one go. */
const BACKLOG_LIMIT = 5_000;

export class ProjectData extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => migrate(this.sql));
  }

  /** Create a chat session (idempotent on `id`) and tell the project's viewers. */
  createSession(projectId: string, input: { id: string; taskId: string | null; workspaceId: string | null; topic: string | null }): ChatSession {
    const session = chat.insertSession(this.sql, projectId, input);
    this.broadcast({ type: 'session.created', session });
    return session;
  }

  getSession(projectId: string, sessionId: string): ChatSession | null {
    return chat.getSession(this.sql, projectId, sessionId);
  }

  listSessions(projectId: string, limit = 100): ChatSession[] {
    return chat.listSessions(this.sql, projectId, limit);
  }

  /** Link a session to the workspace that runs it, or mark it stopped. */
  updateSession(projectId: string, sessionId: string, fields: { workspaceId?: string | null; status?: 'active' | 'stopped' }): ChatSession | null {
    chat.updateSession(this.sql, sessionId, {
      ...(fields.workspaceId !== undefined ? { workspace_id: fields.workspaceId } : {}),
      ...(fields.status ? { status: fields.status } : {}),
    });
    const session = chat.getSession(this.sql, projectId, sessionId);
    if (session) this.broadcast({ type: 'session.updated', session });
    return session;
  }

  /**
   * Persist a batch of messages in one transaction: dedupe by messageId, per-session sequence,
   * counters and topic (chat-repository.insertMessages), then one broadcast per session touched.
   * Unknown sessions refuse the whole batch, storing nothing.
   */
  persistMessageBatch(messages: ChatMessageInput[]): PersistBatchOutcome {
    type TxOutcome = { missing: string } | { batch: chat.BatchResult };
    const outcome = this.ctx.storage.transactionSync((): TxOutcome => {
      const sessionIds = [...new Set(messages.map((m) => m.sessionId))];
      const missing = sessionIds.find((id) => this.sql.exec('SELECT 1 FROM chat_sessions WHERE id = ?', id).toArray().length === 0);
      if (missing !== undefined) return { missing };
      return { batch: chat.insertMessages(this.sql, messages) };
    });
    if ('missing' in outcome) return { ok: false, error: 'session_not_found', sessionId: outcome.missing };
    const bySession = new Map<string, ChatMessage[]>();
    for (const message of outcome.batch.persisted) {
      bySession.set(message.sessionId, [...(bySession.get(message.sessionId) ?? []), message]);
    }
    for (const [sessionId, sessionMessages] of bySession) {
      this.broadcast({ type: 'messages.new', sessionId, messages: sessionMessages });
    }
    return { ok: true, persisted: outcome.batch.persisted.length, duplicates: outcome.batch.duplicates };
  }

  listMessages(sessionId: string, after: number, limit: number): ChatMessage[] {
    return chat.listMessages(this.sql, sessionId, after, limit);
  }

  /**
   * WebSocket upgrade for project viewers (`GET …/sessions/ws?sessionId=&after=`). With a
   * `sessionId`, the messages after `after` are sent first, so a viewer that reconnects with its
   * last sequence number misses nothing.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a WebSocket upgrade', { status: 426 });
    }
    const url = new URL(request.url);
    const sessionId = url.searchParams.get('sessionId');
    const after = Number(url.searchParams.get('after') ?? '0') || 0;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    if (sessionId) {
      const backlog = chat.listMessages(this.sql, sessionId, after, BACKLOG_LIMIT);
      if (backlog.length > 0) server.send(JSON.stringify({ type: 'messages.new', sessionId, messages: backlog } satisfies ProjectEvent));
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === 'ping') ws.send('pong');
  }

  override webSocketClose(ws: WebSocket): void {
    // Close codes 1005/1006 must not be echoed back (TOOLCHAIN.md): answer with a normal close.
    try {
      ws.close(1000, 'closing');
    } catch {
      // already closed
    }
  }

  private broadcast(event: ProjectEvent): void {
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(data);
      } catch {
        // a viewer that went away; the runtime drops it
      }
    }
  }
}
