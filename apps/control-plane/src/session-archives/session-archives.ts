/**
 * Session archives (issue 15 item 3): the control plane's part of resuming an agent's own ACP
 * session. A node daemon sends the session files of a task's agent when its turn ends (callback
 * `sessionArchive`, routes.ts); they are kept per chat session and agent type (repository.ts) for
 * SESSION_ARCHIVE_RETENTION_DAYS, at most SESSION_ARCHIVE_MAX_BYTES each. When the task is resumed,
 * its start request carries the archive ({@link sessionLoadFor}); the cron deletes old ones
 * ({@link pruneSessionArchives}).
 */
import { SESSION_ARCHIVE_HARD_MAX_BYTES, type AgentType, type SessionArchiveCallbackRequest, type SessionLoadStart } from '@flotilla/contracts';
import { errorMessage, notFound, payloadTooLarge } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import type { WorkspaceRow } from '../workspaces/repository.js';
import { deleteSessionArchivesBefore, getSessionArchive, putSessionArchive } from './repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Most archives one cron run deletes. */
const PRUNE_BATCH = 500;

/** The largest archive kept now, in bytes: SESSION_ARCHIVE_MAX_BYTES, never above the D1-bound hard maximum. */
export function sessionArchiveMaxBytes(config: Deps['config']): number {
  return Math.min(config.SESSION_ARCHIVE_MAX_BYTES, SESSION_ARCHIVE_HARD_MAX_BYTES);
}

/** The bytes of base64 `text` (already checked by the route's schema). */
function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Base64 of `bytes`, in chunks (no argument list of a megabyte). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/**
 * Keep the archive a daemon sent for `workspace`'s agent, under the workspace's chat session,
 * replacing an older one of the same agent type.
 * @param nowMs when it was made (ms since the epoch)
 * @throws FlotillaError not_found when the workspace has no chat session or project;
 *   payload_too_large (413) when the archive is over SESSION_ARCHIVE_MAX_BYTES
 */
export async function keepSessionArchive(deps: Pick<Deps, 'db' | 'config' | 'log'>, workspace: WorkspaceRow, body: SessionArchiveCallbackRequest, nowMs: number): Promise<void> {
  if (!workspace.chat_session_id || !workspace.project_id) throw notFound(`workspace ${workspace.id} has no chat session to keep an agent session for`);
  const archive = fromBase64(body.archive);
  const maxBytes = sessionArchiveMaxBytes(deps.config);
  if (archive.byteLength > maxBytes) throw payloadTooLarge(`the session archive is ${archive.byteLength} bytes, over SESSION_ARCHIVE_MAX_BYTES (${maxBytes})`);
  await putSessionArchive(deps.db, {
    chatSessionId: workspace.chat_session_id,
    agentType: body.agentType,
    projectId: workspace.project_id,
    workspaceId: workspace.id,
    acpSessionId: body.acpSessionId,
    archive,
    createdAt: nowMs,
  });
  deps.log.child({ component: 'session-archives' }).info('session archive kept', {
    workspaceId: workspace.id,
    chatSessionId: workspace.chat_session_id,
    agentType: body.agentType,
    acpSessionId: body.acpSessionId,
    bytes: archive.byteLength,
  });
}

/**
 * The `sessionLoad` of a resumed task's start request: the archive of its chat session for
 * `agentType`, when one younger than SESSION_ARCHIVE_RETENTION_DAYS is kept, with the follow-up
 * alone as the prompt. Undefined otherwise (the start then has only the context prompt).
 * @param nowMs the time the retention is counted back from (ms since the epoch)
 */
export async function sessionLoadFor(
  deps: Pick<Deps, 'db' | 'config'>,
  at: { chatSessionId: string | null; agentType: AgentType; followUp: string },
  nowMs: number,
): Promise<SessionLoadStart | undefined> {
  if (!at.chatSessionId) return undefined;
  const kept = await getSessionArchive(deps.db, at.chatSessionId, at.agentType, nowMs - deps.config.SESSION_ARCHIVE_RETENTION_DAYS * DAY_MS);
  if (!kept || kept.archive.byteLength > sessionArchiveMaxBytes(deps.config)) return undefined;
  return { acpSessionId: kept.acpSessionId, archive: toBase64(kept.archive), prompt: at.followUp };
}

/**
 * Delete archives older than SESSION_ARCHIVE_RETENTION_DAYS (the cron; at most
 * {@link PRUNE_BATCH} a run). Never throws (logged).
 * @param nowMs the time to count the retention back from (ms since the epoch)
 * @returns how many were deleted
 */
export async function pruneSessionArchives(deps: Pick<Deps, 'db' | 'config' | 'log'>, nowMs: number): Promise<number> {
  const log = deps.log.child({ component: 'session-archives' });
  try {
    const deleted = await deleteSessionArchivesBefore(deps.db, nowMs - deps.config.SESSION_ARCHIVE_RETENTION_DAYS * DAY_MS, PRUNE_BATCH);
    if (deleted > 0) log.info('old session archives deleted', { deleted });
    return deleted;
  } catch (error) {
    log.error('session archive pruning failed', { error: errorMessage(error) });
    return 0;
  }
}
