/**
 * Chat sessions and messages of one project, on the Durable Object's SQLite. Plain functions over
 * `SqlStorage` so they can be tested without the class around them.
 */
import type { ChatMessage, ChatSession, MessageRole, ToolMetadata, UserRef } from '@flotilla/contracts';
import type { AuthoredMessageInput, NewChatSession } from './project-data-rpc.js';

interface SessionRow {
  id: string;
  task_id: string | null;
  workspace_id: string | null;
  topic: string | null;
  status: 'active' | 'stopped';
  message_count: number;
  last_seq: number;
  created_at: string;
  updated_at: string;
  [key: string]: SqlStorageValue;
}

interface MessageRow {
  session_id: string;
  seq: number;
  message_id: string;
  role: MessageRole;
  content: string;
  tool_metadata: string | null;
  /** JSON contracts `UserRef`: who wrote a user message (ProjectData migration 4), or null. */
  author: string | null;
  created_at: string;
  [key: string]: SqlStorageValue;
}

const TOPIC_MAX_CHARS = 120;

function toSession(projectId: string, row: SessionRow): ChatSession {
  return {
    id: row.id,
    projectId,
    taskId: row.task_id,
    workspaceId: row.workspace_id,
    topic: row.topic,
    status: row.status,
    messageCount: row.message_count,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toMessage(row: MessageRow): ChatMessage {
  return {
    seq: row.seq,
    messageId: row.message_id,
    sessionId: row.session_id,
    role: row.role,
    content: row.content,
    toolMetadata: row.tool_metadata ? (JSON.parse(row.tool_metadata) as ToolMetadata) : null,
    ...(row.author ? { author: JSON.parse(row.author) as UserRef } : {}),
    createdAt: row.created_at,
  };
}

/** Insert a chat session (idempotent on its id). @returns the session as stored */
export function insertSession(sql: SqlStorage, projectId: string, input: NewChatSession): ChatSession {
  const now = new Date().toISOString();
  sql.exec(
    'INSERT INTO chat_sessions (id, task_id, workspace_id, topic, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
    input.id,
    input.taskId,
    input.workspaceId,
    input.topic?.slice(0, TOPIC_MAX_CHARS) ?? null,
    now,
    now,
  );
  const session = getSession(sql, projectId, input.id);
  if (!session) throw new Error(`chat session ${input.id} was not stored`);
  return session;
}

/** A session, or null. */
export function getSession(sql: SqlStorage, projectId: string, id: string): ChatSession | null {
  const rows = sql.exec<SessionRow>('SELECT * FROM chat_sessions WHERE id = ?', id).toArray();
  return rows[0] ? toSession(projectId, rows[0]) : null;
}

/** Sessions, newest first, at most `limit`. */
export function listSessions(sql: SqlStorage, projectId: string, limit: number): ChatSession[] {
  return sql
    .exec<SessionRow>('SELECT * FROM chat_sessions ORDER BY created_at DESC, id DESC LIMIT ?', limit)
    .toArray()
    .map((row) => toSession(projectId, row));
}

/** Set a session's workspace or status. */
export function updateSession(
  sql: SqlStorage,
  id: string,
  fields: Partial<{ workspace_id: string | null; status: 'active' | 'stopped' }>,
): void {
  const entries = Object.entries(fields);
  if (entries.length === 0) return;
  const assignments = [...entries.map(([column]) => `${column} = ?`), 'updated_at = ?'].join(', ');
  sql.exec(`UPDATE chat_sessions SET ${assignments} WHERE id = ?`, ...entries.map(([, v]) => v ?? null), new Date().toISOString(), id);
}

export interface BatchResult {
  persisted: ChatMessage[];
  duplicates: number;
}

/** The first of `sessionIds` that has no session, if any (a batch naming one is refused whole). */
export function missingSession(sql: SqlStorage, sessionIds: readonly string[]): string | undefined {
  return sessionIds.find((id) => sql.exec('SELECT 1 FROM chat_sessions WHERE id = ?', id).toArray().length === 0);
}

/**
 * Insert messages of one or more sessions. Duplicates (same messageId) are skipped and counted;
 * each new message takes the next sequence number of its session; `message_count` grows by what
 * was persisted, `updated_at` is bumped, and the topic is taken from the first user message when
 * the session has none. Call inside a transaction. Unknown sessions must be checked before.
 */
export function insertMessages(sql: SqlStorage, messages: readonly AuthoredMessageInput[]): BatchResult {
  const persisted: ChatMessage[] = [];
  let duplicates = 0;
  const now = new Date().toISOString();
  for (const message of messages) {
    const exists = sql.exec('SELECT 1 FROM chat_messages WHERE message_id = ?', message.messageId).toArray().length > 0;
    if (exists) {
      duplicates += 1;
      continue;
    }
    const { last_seq: lastSeq } = sql
      .exec<{ last_seq: number }>('UPDATE chat_sessions SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq', message.sessionId)
      .one();
    const row: MessageRow = {
      session_id: message.sessionId,
      seq: lastSeq,
      message_id: message.messageId,
      role: message.role,
      content: message.content,
      tool_metadata: message.toolMetadata ? JSON.stringify(message.toolMetadata) : null,
      author: message.role === 'user' && message.author ? JSON.stringify(message.author) : null,
      created_at: message.timestamp,
    };
    sql.exec(
      'INSERT INTO chat_messages (session_id, seq, message_id, role, content, tool_metadata, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      row.session_id,
      row.seq,
      row.message_id,
      row.role,
      row.content,
      row.tool_metadata,
      row.author,
      row.created_at,
    );
    sql.exec(
      `UPDATE chat_sessions SET message_count = message_count + 1, updated_at = ?,
         topic = CASE WHEN topic IS NULL AND ? = 'user' THEN ? ELSE topic END
       WHERE id = ?`,
      now,
      message.role,
      message.content.slice(0, TOPIC_MAX_CHARS),
      message.sessionId,
    );
    persisted.push(toMessage(row));
  }
  return { persisted, duplicates };
}

/** Messages of a session with `seq > after`, in order, at most `limit`. */
export function listMessages(sql: SqlStorage, sessionId: string, after: number, limit: number): ChatMessage[] {
  return sql
    .exec<MessageRow>('SELECT * FROM chat_messages WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?', sessionId, after, limit)
    .toArray()
    .map(toMessage);
}

/** The newest `limit` messages of a session with `seq < before`, in order (oldest first). */
export function listMessagesBefore(sql: SqlStorage, sessionId: string, before: number, limit: number): ChatMessage[] {
  return sql
    .exec<MessageRow>('SELECT * FROM chat_messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?', sessionId, before, limit)
    .toArray()
    .map(toMessage)
    .reverse();
}
