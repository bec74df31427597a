/**
 * Session archives (issue 15 item 3): the files an agent keeps of its ACP session (Claude Code's
 * transcript), taken from its HOME by the node daemon when a task's turn ends, gzipped and kept by
 * the control plane per chat session and agent type; a resumed task's start request brings them
 * back, and the daemon restores them and opens the session with ACP `session/load` instead of
 * `session/new`, sending only the follow-up. Without an archive (or when the load fails) the agent
 * gets the conversation so far as context in its first prompt, as before.
 *
 * On the wire an archive is base64 of gzip of a {@link SessionArchiveBundle} as JSON.
 */
import * as z from 'zod';
import { AgentType } from './agents.js';

/**
 * Most bytes of one archive (gzipped) any setting may allow: the control plane stores an archive
 * as one D1 value, and D1 takes at most 2,000,000 bytes in one (SESSION_ARCHIVE_MAX_BYTES is
 * checked against this).
 */
export const SESSION_ARCHIVE_HARD_MAX_BYTES = 1536 * 1024;

/** Largest body of a request that carries one archive (base64 of the hard maximum, plus 64 KiB for the rest). */
export const SESSION_ARCHIVE_BODY_MAX_BYTES = Math.ceil((SESSION_ARCHIVE_HARD_MAX_BYTES * 4) / 3) + 64 * 1024;

/**
 * An agent's ACP session id as it names its session files: letters, digits, `.`, `_`, `-` (no
 * path separators), at most 128 characters.
 */
export const AcpSessionId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'an ACP session id is letters, digits, ".", "_" or "-"');

/** A path relative to the agent's HOME: segments of letters, digits, `.`, `_`, `-`; no `.` or `..` segment, no leading `/`. */
export const HomeRelativePath = z
  .string()
  .max(1024)
  .refine((path) => path.split('/').every((segment) => /^[A-Za-z0-9._-]+$/.test(segment) && segment !== '.' && segment !== '..'), 'a path relative to HOME, without "." or ".." segments');

/** One session file: where it was under HOME and its bytes (base64). */
export const SessionArchiveFile = z.object({ path: HomeRelativePath, contentBase64: z.base64() });
export type SessionArchiveFile = z.infer<typeof SessionArchiveFile>;

/** What an archive holds (gzipped JSON): the session's files as they were under the agent's HOME. */
export const SessionArchiveBundle = z.object({ version: z.literal(1), files: z.array(SessionArchiveFile).min(1).max(100) });
export type SessionArchiveBundle = z.infer<typeof SessionArchiveBundle>;

/** An archive on the wire: base64 of the gzipped bundle. */
export const SessionArchiveData = z.base64().max(Math.ceil((SESSION_ARCHIVE_HARD_MAX_BYTES * 4) / 3) + 4);

/**
 * `POST /api/workspaces/:workspaceId/session-archive` (daemon → control plane, the workspace's
 * callback token): the session files of the workspace's agent, kept for a resume of its chat session.
 */
export const SessionArchiveCallbackRequest = z.object({
  agentSessionId: z.string().min(1).max(200),
  agentType: AgentType,
  /** The ACP session id the files belong to (`session/load` takes it). */
  acpSessionId: AcpSessionId,
  archive: SessionArchiveData,
});
export type SessionArchiveCallbackRequest = z.infer<typeof SessionArchiveCallbackRequest>;

/**
 * `StartAgentSessionRequest.sessionLoad`: resume ACP session `acpSessionId` from its archive — the
 * daemon restores the files into the new agent's HOME and calls `session/load`; on success the first
 * prompt is `prompt` (the follow-up alone), else the request's `initialPrompt` (the context prompt).
 */
export const SessionLoadStart = z.object({
  acpSessionId: AcpSessionId,
  archive: SessionArchiveData,
  prompt: z.string().min(1),
});
export type SessionLoadStart = z.infer<typeof SessionLoadStart>;
