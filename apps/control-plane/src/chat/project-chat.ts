/**
 * The chat of one project (DESIGN.md §4), as ProjectData keeps it on its SQLite: sessions and
 * messages (chat-repository.ts), the durable queue of follow-up prompts (follow-up-queue.ts), and
 * the events each change sends to the project's viewers. Plain functions over the object's
 * storage and a broadcaster; the ProjectData class (project-data.ts) is a thin adapter over them.
 */
import type { ChatDraft, ChatMessage, ChatSession, ProjectEvent } from '@flotilla/contracts';
import type { Deps } from '../deps.js';
import * as drafts from './chat-drafts.js';
import * as chat from './chat-repository.js';
import { attemptFollowUpDelivery, findRunningAgent } from './follow-up-delivery.js';
import * as followUps from './follow-up-queue.js';
import type { AuthoredMessageInput, FollowUpAttempt, FollowUpPrompt, NewChatSession, PersistBatchOutcome } from './project-data-rpc.js';

/** The storage of one project's chat. */
export interface ChatStore {
  sql: SqlStorage;
  /** Run `fn` in one transaction. */
  transaction<T>(fn: () => T): T;
  getAlarm(): Promise<number | null>;
  /** Schedule the alarm at `atMs` (ms since the epoch). */
  setAlarm(atMs: number): Promise<void>;
}

/** Sends an event to the project's viewers; with `sessionId`, only to those of that session (and of the whole project). */
export type Broadcast = (event: ProjectEvent, sessionId?: string) => void;

/** Most follow-up prompts one retry pass delivers. */
const FOLLOW_UP_BATCH = 100;

/**
 * Create a chat session (idempotent on its id), with its first message when given, in one
 * transaction; viewers get `session.created`, then the message.
 */
export function createSession(store: ChatStore, broadcast: Broadcast, projectId: string, input: NewChatSession, firstMessage?: AuthoredMessageInput): ChatSession {
  const { session, batch } = store.transaction(() => ({
    session: chat.insertSession(store.sql, projectId, input),
    batch: firstMessage ? chat.insertMessages(store.sql, [firstMessage]) : null,
  }));
  const stored = batch ? (chat.getSession(store.sql, projectId, session.id) ?? session) : session;
  broadcast({ type: 'session.created', session: stored });
  if (batch) announceMessages(broadcast, batch.persisted);
  return stored;
}

/**
 * Persist a batch of messages in one transaction: dedupe by messageId, per-session sequence,
 * counters and topic (chat-repository.insertMessages), then one broadcast per session touched.
 * Drafts (`draft: true`) are kept apart (chat-drafts.ts) and each announced as `message.draft`;
 * a stored message ends its draft. Unknown sessions refuse the whole batch, storing nothing.
 * `persisted` and `duplicates` count messages, not drafts.
 */
export function persistMessages(store: ChatStore, broadcast: Broadcast, messages: readonly AuthoredMessageInput[]): PersistBatchOutcome {
  const finals = messages.filter((m) => !m.draft);
  const outcome = store.transaction((): { missing: string } | { batch: chat.BatchResult; drafts: ChatDraft[] } => {
    const missing = chat.missingSession(store.sql, [...new Set(messages.map((m) => m.sessionId))]);
    if (missing !== undefined) return { missing };
    const batch = chat.insertMessages(store.sql, finals);
    drafts.deleteDrafts(store.sql, finals.map((m) => m.messageId));
    return { batch, drafts: drafts.saveDrafts(store.sql, messages.filter((m) => m.draft)) };
  });
  if ('missing' in outcome) return { ok: false, error: 'session_not_found', sessionId: outcome.missing };
  announceMessages(broadcast, outcome.batch.persisted);
  for (const draft of outcome.drafts) broadcast({ type: 'message.draft', sessionId: draft.sessionId, draft }, draft.sessionId);
  return { ok: true, persisted: outcome.batch.persisted.length, duplicates: outcome.batch.duplicates };
}

/** One `messages.new` per session of `persisted`. */
function announceMessages(broadcast: Broadcast, persisted: readonly ChatMessage[]): void {
  const bySession = new Map<string, ChatMessage[]>();
  for (const message of persisted) bySession.set(message.sessionId, [...(bySession.get(message.sessionId) ?? []), message]);
  for (const [sessionId, sessionMessages] of bySession) broadcast({ type: 'messages.new', sessionId, messages: sessionMessages }, sessionId);
}

/**
 * Store a follow-up prompt durably (follow-up-queue.ts) and show it in the chat as a `user`
 * message under `messageId`; the daemon's copy, when it delivers it, deduplicates against it.
 * @returns false when the session does not exist
 */
export function enqueueFollowUp(store: ChatStore, broadcast: Broadcast, projectId: string, prompt: FollowUpPrompt): boolean {
  const now = new Date().toISOString();
  const stored = persistMessages(store, broadcast, [{ messageId: prompt.messageId, sessionId: prompt.sessionId, role: 'user', content: prompt.text, timestamp: now, author: prompt.author ?? null }]);
  if (!stored.ok) return false;
  followUps.insertFollowUp(store.sql, projectId, prompt, now);
  return true;
}

/**
 * Record a delivery attempt of follow-up prompt `messageId`: delivered; failed when the agent
 * is gone or FOLLOW_UP_DELIVERY_TIMEOUT_MS has passed (the chat gets a `system` message saying
 * why); otherwise still pending, retried by the alarm after FOLLOW_UP_RETRY_INTERVAL_MS.
 */
export async function settleFollowUp(store: ChatStore, broadcast: Broadcast, config: Deps['config'], messageId: string, attempt: FollowUpAttempt): Promise<void> {
  const row = followUps.getFollowUp(store.sql, messageId);
  if (!row) return;
  const now = new Date().toISOString();
  if (attempt.kind === 'delivered') {
    followUps.settleFollowUp(store.sql, messageId, 'delivered', null, now);
    return;
  }
  const expired = Date.now() - Date.parse(row.created_at) >= config.FOLLOW_UP_DELIVERY_TIMEOUT_MS;
  if (attempt.kind === 'agent_gone' || expired) {
    followUps.settleFollowUp(store.sql, messageId, 'failed', attempt.reason, now);
    const content = `Follow-up prompt not delivered: ${attempt.reason}`;
    persistMessages(store, broadcast, [{ messageId: crypto.randomUUID(), sessionId: row.session_id, role: 'system', content, timestamp: now }]);
    return;
  }
  followUps.settleFollowUp(store.sql, messageId, 'pending', attempt.reason, now);
  const next = Date.now() + config.FOLLOW_UP_RETRY_INTERVAL_MS;
  const scheduled = await store.getAlarm();
  if (scheduled === null || scheduled > next) await store.setAlarm(next);
}

/** Deliver the pending follow-up prompts again (the alarm; see {@link settleFollowUp}). */
export async function retryPendingFollowUps(store: ChatStore, broadcast: Broadcast, deps: Pick<Deps, 'db' | 'config'>): Promise<void> {
  for (const row of followUps.listPendingFollowUps(store.sql, FOLLOW_UP_BATCH)) {
    const session = chat.getSession(store.sql, row.project_id, row.session_id);
    const lookup = session ? await findRunningAgent(deps.db, session) : { running: false as const, reason: `session ${row.session_id} is gone` };
    const attempt: FollowUpAttempt = lookup.running ? await attemptFollowUpDelivery(deps, lookup.agent, { messageId: row.message_id, text: row.text }) : { kind: 'agent_gone', reason: lookup.reason };
    await settleFollowUp(store, broadcast, deps.config, row.message_id, attempt);
  }
}
