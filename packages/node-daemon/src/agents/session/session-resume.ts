/**
 * An agent session's part in resuming a conversation with ACP `session/load` (issue 15 item 3):
 * - {@link openResumableSession}: a resumed task's start request carries its archived session
 *   (`StartAgentSessionRequest.sessionLoad`); when the agent offers `loadSession` and its
 *   definition names its session files, they are restored into the new agent's HOME and the
 *   session is loaded — the first prompt is then the follow-up alone. Otherwise, or when any of
 *   that fails, `session/new` and the request's `initialPrompt` (the conversation so far as
 *   context), as without an archive.
 * - {@link archiveSessionFiles}: when a task's turn ends, the session files of an agent that offers
 *   `loadSession` are sent to the control plane (session-files/session-archive.ts), before the
 *   task callback, so a follow-up always finds them. Never blocks the task's end: failures are logged.
 */
import { AcpSessionId, SESSION_ARCHIVE_HARD_MAX_BYTES, type SessionArchiveCallbackRequest, type StartAgentSessionRequest } from '@flotilla/contracts';
import { errorMessage, type Logger } from '@flotilla/kit';
import type { AcpConnection, AcpSession } from '../acp/acp-connection.js';
import { AGENT_DEFINITIONS } from '../registry/index.js';
import { collectSessionArchive, restoreSessionArchive, SESSION_FILES_RAW_FACTOR } from '../session-files/session-archive.js';

/** Most bytes of an unpacked archive restored (see {@link openResumableSession}). */
const RESTORE_MAX_BYTES = Math.ceil(SESSION_ARCHIVE_HARD_MAX_BYTES * SESSION_FILES_RAW_FACTOR * 1.4);

/** Where the agent runs: its HOME and the cwd of its sessions (the checkout). */
export interface AgentPlace {
  home: string;
  cwd: string;
}

/**
 * Open the agent's ACP session: `session/load` of the request's archived session when it can be,
 * else `session/new`.
 * The unpacked archive may have {@link SESSION_FILES_RAW_FACTOR} times contracts
 * SESSION_ARCHIVE_HARD_MAX_BYTES, and 40 % more for its base64 (a node that sends no archives,
 * SESSION_ARCHIVE_MAX_BYTES 0, still restores one).
 * @returns the session, and the prompt to send first in place of `initialPrompt` (the follow-up) when the session was loaded
 * @throws as `AcpConnection.newSession`
 */
export async function openResumableSession(
  connection: AcpConnection,
  request: StartAgentSessionRequest,
  place: () => Promise<AgentPlace>,
  logger: Logger,
): Promise<{ session: AcpSession; firstPrompt: string | null }> {
  const load = request.sessionLoad;
  const sessionFiles = AGENT_DEFINITIONS[request.agentType].sessionFiles;
  if (load && !connection.canLoadSession) logger.info('the agent offers no session/load: it gets the conversation as context', { acpSessionId: load.acpSessionId });
  if (load && connection.canLoadSession && sessionFiles) {
    try {
      const { home, cwd } = await place();
      const files = await restoreSessionArchive(sessionFiles, { home, cwd, acpSessionId: load.acpSessionId, archive: load.archive, maxBytes: RESTORE_MAX_BYTES });
      const session = await connection.loadSession(load.acpSessionId);
      logger.info('resumed the archived session with session/load', { acpSessionId: load.acpSessionId, files });
      return { session, firstPrompt: load.prompt };
    } catch (error) {
      logger.warn('session/load of the archived session failed: the agent gets the conversation as context', { acpSessionId: load.acpSessionId, error: errorMessage(error) });
    }
  }
  return { session: await connection.newSession(), firstPrompt: null };
}

/**
 * Send the session files of `session`'s agent to the control plane, when the agent offers
 * `loadSession` and its definition names them, in an archive of at most `maxBytes`
 * (SESSION_ARCHIVE_MAX_BYTES). Never throws: a refused file, an archive over the limit, a failed
 * call are logged.
 */
export async function archiveSessionFiles(
  at: { agentType: StartAgentSessionRequest['agentType']; agentSessionId: string; session: AcpSession; place: () => Promise<AgentPlace>; maxBytes: number },
  send: ((body: SessionArchiveCallbackRequest) => Promise<void>) | undefined,
  logger: Logger,
): Promise<void> {
  const sessionFiles = AGENT_DEFINITIONS[at.agentType].sessionFiles;
  if (!send || !sessionFiles || !at.session.canLoadSession) return;
  const acpSessionId = at.session.sessionId;
  if (!AcpSessionId.safeParse(acpSessionId).success) {
    logger.warn('no session archive: the agent named its session with characters a file name may not have', { acpSessionId });
    return;
  }
  try {
    const { home, cwd } = await at.place();
    const collected = await collectSessionArchive(sessionFiles, { home, cwd, acpSessionId, maxBytes: at.maxBytes }, (path, reason) =>
      logger.warn('session file left out of the archive', { path, reason }),
    );
    if (collected.kind === 'none') {
      logger.info('no session archive', { acpSessionId, reason: collected.reason });
      return;
    }
    await send({ agentSessionId: at.agentSessionId, agentType: at.agentType, acpSessionId, archive: collected.archive.toString('base64') });
    logger.info('session archive sent', { acpSessionId, files: collected.files, bytes: collected.archive.length });
  } catch (error) {
    logger.warn('session archive not sent', { acpSessionId, error: errorMessage(error) });
  }
}
