/**
 * ProjectData: one Durable Object per project holding its chat sessions and messages
 * (DESIGN.md §4), and the hibernatable WebSockets of the project's viewers. A thin class over
 * `chat-repository.ts`; every method is an RPC method called by the Worker.
 */
import type { ChatMessage, ChatMessageInput, ChatSession, ErrorBody, ProjectEvent, Task } from '@flotilla/contracts';
import { DurableObject } from 'cloudflare:workers';
import { readConfig, type Env } from '../../env.js';
import { attemptFollowUpDelivery, findRunningAgent, type FollowUpAttempt } from '../../services/follow-up-delivery.js';
import * as chat from './chat-repository.js';
import * as followUps from './follow-up-queue.js';
import { migrate } from './schema.js';

export type PersistBatchOutcome =
  | { ok: true; persisted: number; duplicates: number }
  | { ok: false; error: 'session_not_found'; sessionId: string };

/** WebSocket tag of a viewer that subscribed to one session. */
const sessionTag = (sessionId: string): string => `session:${sessionId}`;

/** Most messages in one backlog event sent to a (re)connecting viewer. */
const BACKLOG_PAGE_SIZE = 1_000;

/** Longest `sessionId` a viewer may subscribe to (WebSocket tags are limited to 256 chars). */
const MAX_SESSION_ID_CHARS = 200;

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
      this.broadcast({ type: 'messages.new', sessionId, messages: sessionMessages }, sessionId);
    }
    return { ok: true, persisted: outcome.batch.persisted.length, duplicates: outcome.batch.duplicates };
  }

  /**
   * Store a follow-up prompt durably (follow-up-queue.ts) and show it in the chat as a `user`
   * message under `messageId`; the daemon's copy, when it delivers it, deduplicates against it.
   * @returns false when the session does not exist
   */
  enqueueFollowUpPrompt(projectId: string, prompt: { sessionId: string; messageId: string; text: string }): boolean {
    const now = new Date().toISOString();
    const stored = this.persistMessageBatch([{ messageId: prompt.messageId, sessionId: prompt.sessionId, role: 'user', content: prompt.text, timestamp: now }]);
    if (!stored.ok) return false;
    followUps.insertFollowUp(this.sql, projectId, prompt, now);
    return true;
  }

  /**
   * Record a delivery attempt of follow-up prompt `messageId`: delivered; failed when the agent
   * is gone or FOLLOW_UP_DELIVERY_TIMEOUT_MS has passed (the chat gets a `system` message saying
   * why); otherwise still pending, retried by the alarm after FOLLOW_UP_RETRY_INTERVAL_MS.
   */
  async settleFollowUpPrompt(messageId: string, attempt: FollowUpAttempt): Promise<void> {
    const row = followUps.getFollowUp(this.sql, messageId);
    if (!row) return;
    const config = readConfig(this.env);
    const now = new Date().toISOString();
    if (attempt.kind === 'delivered') {
      followUps.settleFollowUp(this.sql, messageId, 'delivered', null, now);
      return;
    }
    const expired = Date.now() - Date.parse(row.created_at) >= config.FOLLOW_UP_DELIVERY_TIMEOUT_MS;
    if (attempt.kind === 'agent_gone' || expired) {
      followUps.settleFollowUp(this.sql, messageId, 'failed', attempt.reason, now);
      const content = `Follow-up prompt not delivered: ${attempt.reason}`;
      this.persistMessageBatch([{ messageId: crypto.randomUUID(), sessionId: row.session_id, role: 'system', content, timestamp: now }]);
      return;
    }
    followUps.settleFollowUp(this.sql, messageId, 'pending', attempt.reason, now);
    const next = Date.now() + config.FOLLOW_UP_RETRY_INTERVAL_MS;
    const scheduled = await this.ctx.storage.getAlarm();
    if (scheduled === null || scheduled > next) await this.ctx.storage.setAlarm(next);
  }

  /** Retry the pending follow-up prompts (see {@link settleFollowUpPrompt}). */
  override async alarm(): Promise<void> {
    const config = readConfig(this.env);
    for (const row of followUps.listPendingFollowUps(this.sql, 100)) {
      const session = chat.getSession(this.sql, row.project_id, row.session_id);
      const lookup = session ? await findRunningAgent(this.env, session) : { running: false as const, reason: `session ${row.session_id} is gone` };
      const attempt: FollowUpAttempt = lookup.running
        ? await attemptFollowUpDelivery(this.env, config, lookup.agent, { messageId: row.message_id, text: row.text })
        : { kind: 'agent_gone', reason: lookup.reason };
      await this.settleFollowUpPrompt(row.message_id, attempt);
    }
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
    if (sessionId !== null && sessionId.length > MAX_SESSION_ID_CHARS) {
      const body: ErrorBody = { error: { code: 'bad_request', message: `sessionId must be at most ${MAX_SESSION_ID_CHARS} characters` } };
      return Response.json(body, { status: 400 });
    }
    const after = Number(url.searchParams.get('after') ?? '0') || 0;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    // A viewer of one session gets only that session's messages (session events go to all).
    this.ctx.acceptWebSocket(server, sessionId ? [sessionTag(sessionId)] : []);
    // The whole backlog, page by page; nothing can be persisted in between (the Durable Object
    // runs this synchronously), so the live events that follow continue it without a gap.
    for (let from = after; sessionId; ) {
      const backlog = chat.listMessages(this.sql, sessionId, from, BACKLOG_PAGE_SIZE);
      if (backlog.length === 0) break;
      server.send(JSON.stringify({ type: 'messages.new', sessionId, messages: backlog } satisfies ProjectEvent));
      from = backlog[backlog.length - 1]!.seq;
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

  /**
   * Push a task's new status or step to the project's viewers (services/task-events.ts); viewers
   * subscribed to one session get it when it is the task's session.
   */
  announceTask(task: Task): void {
    this.broadcast({ type: 'task.updated', task }, task.chatSessionId ?? undefined);
  }

  /**
   * Send `event` to the project's viewers. With `sessionId`, viewers that subscribed to another
   * session are skipped; viewers of the whole project (no `sessionId` at connect) get everything.
   */
  private broadcast(event: ProjectEvent, sessionId?: string): void {
    const data = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      if (sessionId !== undefined) {
        const tags = this.ctx.getTags(ws);
        if (tags.length > 0 && !tags.includes(sessionTag(sessionId))) continue;
      }
      try {
        ws.send(data);
      } catch {
        // a viewer that went away; the runtime drops it
      }
    }
  }
}
