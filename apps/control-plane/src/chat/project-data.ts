/**
 * ProjectData: one Durable Object per project holding its chat sessions and messages
 * (DESIGN.md §4), and the hibernatable WebSockets of the project's viewers. A thin adapter: its
 * SQLite and alarm, the viewers' sockets, and the chat logic of project-chat.ts.
 */
import type { ChatMessage, ChatSession, ErrorBody, ProjectEvent, Task } from '@flotilla/contracts';
import { DurableObject } from 'cloudflare:workers';
import { depsFromEnv } from '../deps.js';
import type { Env } from '../env.js';
import { listDrafts } from './chat-drafts.js';
import * as chat from './chat-repository.js';
import * as projectChat from './project-chat.js';
import { VIEWER_USER_HEADER, type AuthoredMessageInput, type FollowUpAttempt, type FollowUpPrompt, type NewChatSession, type PersistBatchOutcome, type ProjectDataRpc } from './project-data-rpc.js';
import { migrate } from './schema.js';

/** WebSocket tag of a viewer that subscribed to one session. */
const sessionTag = (sessionId: string): string => `session:${sessionId}`;

/** WebSocket tag naming the user a viewer's socket belongs to (closed when they leave the project). */
const userTag = (userId: string): string => `user:${userId}`;

/** Most messages in one backlog event sent to a (re)connecting viewer. */
const BACKLOG_PAGE_SIZE = 1_000;

/** Longest `sessionId` a viewer may subscribe to (WebSocket tags are limited to 256 chars). */
const MAX_SESSION_ID_CHARS = 200;

export class ProjectData extends DurableObject<Env> implements ProjectDataRpc {
  private readonly sql: SqlStorage;
  private readonly store: projectChat.ChatStore;
  private readonly broadcast: projectChat.Broadcast = (event, sessionId) => this.send(event, sessionId);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.store = {
      sql: this.sql,
      transaction: (fn) => ctx.storage.transactionSync(fn),
      getAlarm: () => ctx.storage.getAlarm(),
      setAlarm: (atMs) => ctx.storage.setAlarm(atMs),
    };
    ctx.blockConcurrencyWhile(async () => migrate(this.sql));
  }

  createSession(projectId: string, input: NewChatSession, firstMessage?: AuthoredMessageInput): ChatSession {
    return projectChat.createSession(this.store, this.broadcast, projectId, input, firstMessage);
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
    if (session) this.send({ type: 'session.updated', session });
    return session;
  }

  persistMessageBatch(messages: AuthoredMessageInput[]): PersistBatchOutcome {
    return projectChat.persistMessages(this.store, this.broadcast, messages);
  }

  enqueueFollowUpPrompt(projectId: string, prompt: FollowUpPrompt): boolean {
    return projectChat.enqueueFollowUp(this.store, this.broadcast, projectId, prompt);
  }

  settleFollowUpPrompt(messageId: string, attempt: FollowUpAttempt): Promise<void> {
    return projectChat.settleFollowUp(this.store, this.broadcast, depsFromEnv(this.env).config, messageId, attempt);
  }

  /** Retry the pending follow-up prompts. */
  override alarm(): Promise<void> {
    return projectChat.retryPendingFollowUps(this.store, this.broadcast, depsFromEnv(this.env));
  }

  listMessages(sessionId: string, after: number, limit: number): ChatMessage[] {
    return chat.listMessages(this.sql, sessionId, after, limit);
  }

  listMessagesBefore(sessionId: string, before: number, limit: number): ChatMessage[] {
    return chat.listMessagesBefore(this.sql, sessionId, before, limit);
  }

  /** Push a task's new status or step to the project's viewers (tasks/events.ts). */
  announceTask(task: Task): void {
    this.send({ type: 'task.updated', task }, task.chatSessionId ?? undefined);
  }

  /**
   * WebSocket upgrade for project viewers (`GET …/sessions/ws?sessionId=&after=`). With a
   * `sessionId`, the messages after `after` are sent first, so a viewer that reconnects with its
   * last sequence number misses nothing, then the session's drafts (`message.draft`).
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a WebSocket upgrade', { status: 426 });
    }
    const url = new URL(request.url);
    const sessionId = url.searchParams.get('sessionId');
    if (sessionId !== null && sessionId.length > MAX_SESSION_ID_CHARS) {
      const body: ErrorBody = { error: { code: 'bad_request', message: `sessionId must be at most ${MAX_SESSION_ID_CHARS} characters` } };
      return Response.json(body, { status: 400 });
    }
    const after = Number(url.searchParams.get('after') ?? '0') || 0;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    // A viewer of one session gets only that session's messages (session events go to all);
    // the user tag lets closeUserSockets find a user's sockets.
    const userId = request.headers.get(VIEWER_USER_HEADER);
    this.ctx.acceptWebSocket(server, [...(sessionId ? [sessionTag(sessionId)] : []), ...(userId ? [userTag(userId)] : [])]);
    // The whole backlog, page by page; nothing can be persisted in between (the Durable Object
    // runs this synchronously), so the live events that follow continue it without a gap.
    for (let from = after; sessionId; ) {
      const backlog = chat.listMessages(this.sql, sessionId, from, BACKLOG_PAGE_SIZE);
      if (backlog.length === 0) break;
      server.send(JSON.stringify({ type: 'messages.new', sessionId, messages: backlog } satisfies ProjectEvent));
      from = backlog[backlog.length - 1]!.seq;
    }
    // Then the messages still being written, as far as they are.
    for (const draft of sessionId ? listDrafts(this.sql, sessionId) : []) {
      server.send(JSON.stringify({ type: 'message.draft', sessionId: draft.sessionId, draft } satisfies ProjectEvent));
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Close every open WebSocket of `userId` (a member removed from the project) with `code` and `reason`; how many. */
  closeUserSockets(userId: string, code: number, reason: string): number {
    const sockets = this.ctx.getWebSockets(userTag(userId));
    for (const ws of sockets) {
      try {
        ws.close(code, reason);
      } catch {
        // already closed
      }
    }
    return sockets.length;
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

  /**
   * Send `event` to the project's viewers. With `sessionId`, viewers that subscribed to another
   * session are skipped; viewers of the whole project (no `sessionId` at connect) get everything.
   */
  private send(event: ProjectEvent, sessionId?: string): void {
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      if (sessionId !== undefined) {
        const sessionTags = this.ctx.getTags(ws).filter((tag) => tag.startsWith('session:'));
        if (sessionTags.length > 0 && !sessionTags.includes(sessionTag(sessionId))) continue;
      }
      try {
        ws.send(data);
      } catch {
        // a viewer that went away; the runtime drops it
      }
    }
  }
}
