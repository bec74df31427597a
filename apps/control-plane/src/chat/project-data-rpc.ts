/**
 * What the Worker may ask of a ProjectData (one Durable Object per project, named by the project
 * id): its RPC interface, which the class implements and bindings.ts types its stubs with. Its
 * `fetch` takes the WebSocket upgrade of the project's viewers.
 */
import type { ChatMessage, ChatMessageInput, ChatSession, Task, UserRef } from '@flotilla/contracts';

/**
 * Header naming the user of a WebSocket upgrade. Trusted only because the Worker sets it itself:
 * chat/routes.ts removes any copy the client sent before it hands the request over.
 */
export const VIEWER_USER_HEADER = 'x-flotilla-viewer-user';

/**
 * A message the control plane itself writes into the chat (a task's first prompt, a follow-up
 * prompt), with who wrote it: a snapshot of the user, kept with the message. Messages from node
 * daemons never carry one (ProjectData drops it).
 */
export type AuthoredMessageInput = ChatMessageInput & { author?: UserRef | null };

/** A chat session to create: a task's (`taskId`) or a workspace created by hand's (`workspaceId`). */
export interface NewChatSession {
  id: string;
  taskId: string | null;
  workspaceId: string | null;
  topic: string | null;
}

export type PersistBatchOutcome = { ok: true; persisted: number; duplicates: number } | { ok: false; error: 'session_not_found'; sessionId: string };

/** One delivery attempt of a follow-up prompt to the node daemon (chat/follow-up-delivery.ts). */
export type FollowUpAttempt =
  | { kind: 'delivered'; delivery: 'delivered' | 'queued' }
  /** The daemon has no such running agent (404/409): delivering again cannot help. */
  | { kind: 'agent_gone'; reason: string }
  /** The daemon could not be reached or failed: try again later with the same messageId. */
  | { kind: 'retry'; reason: string };

/** A follow-up prompt to queue for the agent and show in the chat, with its author (null: the operator, a trigger). */
export interface FollowUpPrompt {
  sessionId: string;
  messageId: string;
  text: string;
  author?: UserRef | null;
}

export interface ProjectDataRpc extends Rpc.DurableObjectBranded {
  /** Create a chat session (idempotent on its id), with its first message when given, in one transaction. */
  createSession(projectId: string, input: NewChatSession, firstMessage?: AuthoredMessageInput): ChatSession;
  getSession(projectId: string, sessionId: string): ChatSession | null;
  listSessions(projectId: string, limit?: number): ChatSession[];
  updateSession(projectId: string, sessionId: string, fields: { workspaceId?: string | null; status?: 'active' | 'stopped' }): ChatSession | null;
  /** Store messages (idempotent on messageId); `author` only from the control plane's own writers (a node daemon's batch never has one). */
  persistMessageBatch(messages: AuthoredMessageInput[]): PersistBatchOutcome;
  enqueueFollowUpPrompt(projectId: string, prompt: FollowUpPrompt): boolean;
  settleFollowUpPrompt(messageId: string, attempt: FollowUpAttempt): Promise<void>;
  listMessages(sessionId: string, after: number, limit: number): ChatMessage[];
  /** The newest `limit` messages with `seq < before`, oldest first. */
  listMessagesBefore(sessionId: string, before: number, limit: number): ChatMessage[];
  /** Push a task's new status or step to the project's viewers (`task.updated`). */
  announceTask(task: Task): void;
  /** Close every open WebSocket of `userId` with `code` and `reason` (a member removed from the project); how many. */
  closeUserSockets(userId: string, code: number, reason: string): number;
}
