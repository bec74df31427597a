/**
 * What the Worker may ask of a ProjectData (one Durable Object per project, named by the project
 * id): its RPC interface, which the class implements and bindings.ts types its stubs with. Its
 * `fetch` takes the WebSocket upgrade of the project's viewers.
 */
import type { ChatMessage, ChatMessageInput, ChatSession, Task } from '@flotilla/contracts';

/**
 * Header naming the user of a WebSocket upgrade. Trusted only because the Worker sets it itself:
 * chat/routes.ts removes any copy the client sent before it hands the request over.
 */
export const VIEWER_USER_HEADER = 'x-flotilla-viewer-user';

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

export interface ProjectDataRpc extends Rpc.DurableObjectBranded {
  /** Create a chat session (idempotent on its id), with its first message when given, in one transaction. */
  createSession(projectId: string, input: NewChatSession, firstMessage?: ChatMessageInput): ChatSession;
  getSession(projectId: string, sessionId: string): ChatSession | null;
  listSessions(projectId: string, limit?: number): ChatSession[];
  updateSession(projectId: string, sessionId: string, fields: { workspaceId?: string | null; status?: 'active' | 'stopped' }): ChatSession | null;
  persistMessageBatch(messages: ChatMessageInput[]): PersistBatchOutcome;
  enqueueFollowUpPrompt(projectId: string, prompt: { sessionId: string; messageId: string; text: string }): boolean;
  settleFollowUpPrompt(messageId: string, attempt: FollowUpAttempt): Promise<void>;
  listMessages(sessionId: string, after: number, limit: number): ChatMessage[];
  /** The newest `limit` messages with `seq < before`, oldest first. */
  listMessagesBefore(sessionId: string, before: number, limit: number): ChatMessage[];
  /** Push a task's new status or step to the project's viewers (`task.updated`). */
  announceTask(task: Task): void;
  /** Close every open WebSocket of `userId` with `code` and `reason` (a member removed from the project); how many. */
  closeUserSockets(userId: string, code: number, reason: string): number;
}
