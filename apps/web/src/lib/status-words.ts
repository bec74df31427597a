/**
 * Task statuses in words a user knows (issue 17, item 6): the one place that names each
 * `TaskStatus` for people — a short label (badges, board columns) and a one-line explanation
 * (tooltips and screen readers) — and says whether a session's agent is running now, the only
 * time a session is shown "live".
 */
import { TERMINAL_TASK_STATUSES, type ChatSession, type TaskStatus } from '@flotilla/contracts';

/** How a status is shown: a label of one or two words and a sentence explaining it. */
export interface StatusWords {
  label: string;
  explanation: string;
}

/** Label and explanation of every task status (DESIGN.md §3). */
export const TASK_STATUS_WORDS: Record<TaskStatus, StatusWords> = {
  draft: { label: 'Draft', explanation: 'Saved for later; it does not run until you mark it ready or run it.' },
  ready: { label: 'Ready', explanation: 'Ready to run; press Run (or drag it to Queued) to start it.' },
  queued: { label: 'Queued', explanation: 'Waiting for a node to run on.' },
  delegated: { label: 'Starting', explanation: 'A node is being prepared and the agent is starting.' },
  in_progress: { label: 'Running', explanation: 'The agent is working on it now.' },
  completed: { label: 'Done', explanation: 'The agent finished; its work is on the task branch.' },
  failed: { label: 'Failed', explanation: 'The run stopped with an error; you can retry it.' },
  cancelled: { label: 'Cancelled', explanation: 'Stopped by hand before it finished; you can retry it.' },
};

/** The words for `status`. */
export function taskStatusWords(status: TaskStatus): StatusWords {
  return TASK_STATUS_WORDS[status];
}

/** Text for a `title` / `aria-label`: "Starting — A node is being prepared…". */
export function statusTitle(status: TaskStatus): string {
  const words = TASK_STATUS_WORDS[status];
  return `${words.label} — ${words.explanation}`;
}

/** True while a task of this status has a run going on (queued, starting or running). */
export function isRunningStatus(status: TaskStatus): boolean {
  return status === 'queued' || status === 'delegated' || status === 'in_progress';
}

/** The explanation of a session whose workspace is gone (its conversation is kept). */
export const ARCHIVED_WORDS: StatusWords = {
  label: 'Workspace gone',
  explanation: 'The workspace was removed after the run; the conversation is kept.',
};

/**
 * True only while the agent of a session runs: an active session whose task (when it has one)
 * has not ended and is not a draft or ready task. An ended task never shows "live".
 *
 * @param sessionStatus the chat session's status (`active` | `stopped`)
 * @param taskStatus the linked task's status, or null for a session without a task (a workspace made by hand)
 */
export function isSessionLive(sessionStatus: ChatSession['status'], taskStatus: TaskStatus | null): boolean {
  if (sessionStatus !== 'active') return false;
  if (taskStatus === null) return true;
  return isRunningStatus(taskStatus) && !TERMINAL_TASK_STATUSES.includes(taskStatus);
}
