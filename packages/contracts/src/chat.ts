import * as z from 'zod';
import { UserRef } from './members.js';
import { Task, TaskStatus } from './task.js';

/** Roles of a chat message (DESIGN.md word list). */
export const MessageRole = z.enum(['user', 'assistant', 'tool', 'thinking', 'plan', 'system']);
export type MessageRole = z.infer<typeof MessageRole>;

/** Status of a tool call as ACP reports it (`ToolCallStatus`). */
export const ToolCallStatus = z.enum(['pending', 'in_progress', 'completed', 'failed']);

/**
 * Metadata of a `tool` message, taken from ACP `tool_call` / `tool_call_update`
 * (ACP schema: ToolCall). `target` is the first location's path, when there is one. `output` is
 * the tool's output as text — the last `CHAT_TOOL_OUTPUT_MAX_BYTES` (node daemon setting) of it,
 * `outputTruncated` when earlier output was cut — and `exitCode` its exit status, when the agent
 * reports one (ACP `rawOutput`, or the `terminal_exit` of `_meta`).
 */
export const ToolMetadata = z.object({
  toolCallId: z.string(),
  kind: z.string().optional(),
  title: z.string().optional(),
  status: ToolCallStatus.optional(),
  target: z.string().optional(),
  rawInput: z.unknown().optional(),
  diff: z
    .object({ path: z.string(), oldText: z.string().nullable().optional(), newText: z.string() })
    .optional(),
  output: z.string().optional(),
  outputTruncated: z.boolean().optional(),
  exitCode: z.number().int().nullable().optional(),
});
export type ToolMetadata = z.infer<typeof ToolMetadata>;

/** One plan entry (ACP `PlanEntry`). */
export const PlanEntry = z.object({
  content: z.string(),
  priority: z.string().optional(),
  status: z.string().optional(),
});

/**
 * A message as the node daemon reports it. `messageId` is the idempotency key.
 *
 * `draft: true` marks the text so far of a message the agent is still writing (assistant or
 * thinking text): it is shown to the project's viewers (`message.draft`) but not stored as a
 * message; a later draft with the same `messageId` replaces it, and the final message (no
 * `draft`) with that id ends it. A draft for a message already stored is ignored.
 */
export const ChatMessageInput = z.object({
  messageId: z.uuid('messageId must be a UUID'),
  sessionId: z.string().min(1),
  role: MessageRole,
  content: z.string().min(1, 'content must not be empty'),
  toolMetadata: ToolMetadata.optional(),
  timestamp: z.iso.datetime({ offset: true, message: 'timestamp must be ISO-8601' }),
  draft: z.boolean().optional(),
});
export type ChatMessageInput = z.infer<typeof ChatMessageInput>;

/** Body of `POST /api/workspaces/:workspaceId/messages` (at most 256 KiB). */
export const PersistMessageBatchRequest = z.object({
  messages: z
    .array(ChatMessageInput)
    .min(1, 'messages must hold at least 1 message')
    .max(100, 'messages must hold at most 100 messages'),
});
export type PersistMessageBatchRequest = z.infer<typeof PersistMessageBatchRequest>;

export const MESSAGE_BATCH_MAX_BODY_BYTES = 256 * 1024;

export const PersistMessageBatchResponse = z.object({
  persisted: z.number().int(),
  duplicates: z.number().int(),
});
export type PersistMessageBatchResponse = z.infer<typeof PersistMessageBatchResponse>;

/** A stored message, with its per-session sequence number. */
export const ChatMessage = z.object({
  seq: z.number().int(),
  messageId: z.string(),
  sessionId: z.string(),
  role: MessageRole,
  content: z.string(),
  toolMetadata: ToolMetadata.nullable(),
  /** Who wrote a user message (members.ts): null for the implicit local user, the shared token, a trigger or the agent's messages. */
  author: UserRef.nullable().optional(),
  createdAt: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/**
 * A message still being written (see `ChatMessageInput.draft`): its text so far. No `seq` — it
 * takes its place in the session when its final message is stored under the same `messageId`.
 */
export const ChatDraft = z.object({
  messageId: z.string(),
  sessionId: z.string(),
  role: MessageRole,
  content: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChatDraft = z.infer<typeof ChatDraft>;

export const ChatSessionStatus = z.enum(['active', 'stopped']);

export const ChatSession = z.object({
  id: z.string(),
  projectId: z.string(),
  taskId: z.string().nullable(),
  workspaceId: z.string().nullable(),
  topic: z.string().nullable(),
  status: ChatSessionStatus,
  messageCount: z.number().int(),
  lastSeq: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChatSession = z.infer<typeof ChatSession>;

/** A chat session as `GET /api/projects/:projectId/sessions` lists it: with its task's title and status. */
export const SessionWithTask = ChatSession.extend({
  task: z.object({ title: z.string(), status: TaskStatus }).nullable().optional(),
});
export type SessionWithTask = z.infer<typeof SessionWithTask>;

/** `GET /api/projects/:projectId/sessions` answer, newest first. */
export const ListSessionsResponse = z.object({ sessions: z.array(SessionWithTask) });

/**
 * `GET …/sessions/:sessionId/messages` query: the page after sequence number `after` (oldest
 * first, default from the start), or with `before` the newest `limit` messages whose sequence
 * number is below it — `before=9007199254740991` (2^53 − 1) is the newest page, which the web app
 * loads first. Not both.
 */
export const ListMessagesQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => q.before === undefined || q.after === 0, { message: 'give after or before, not both', path: ['before'] });

/** `before` that asks for the newest page of messages. */
export const NEWEST_MESSAGES = Number.MAX_SAFE_INTEGER;

/**
 * A page of messages in sequence order. `hasMore`: newer messages follow this page (ask again
 * with `after=nextAfter`); `hasOlder`: older ones precede it (ask with `before` = the first
 * message's `seq`).
 */
export const ListMessagesResponse = z.object({
  messages: z.array(ChatMessage),
  nextAfter: z.number().int(),
  hasMore: z.boolean(),
  hasOlder: z.boolean(),
});
export type ListMessagesResponse = z.infer<typeof ListMessagesResponse>;

/** Events the ProjectData WebSocket sends to project viewers. */
export const ProjectEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('messages.new'), sessionId: z.string(), messages: z.array(ChatMessage) }),
  /** A message still being written, as far as it is written (replaces the previous draft of its `messageId`). */
  z.object({ type: z.literal('message.draft'), sessionId: z.string(), draft: ChatDraft }),
  z.object({ type: z.literal('session.created'), session: ChatSession }),
  z.object({ type: z.literal('session.updated'), session: ChatSession }),
  /** A task of the project changed status or execution step (pushed as it happens; polling is only a fallback). */
  z.object({ type: z.literal('task.updated'), task: Task }),
]);
export type ProjectEvent = z.infer<typeof ProjectEvent>;
