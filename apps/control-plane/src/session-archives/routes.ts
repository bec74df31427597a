/**
 * Handler of the session archive callback (contracts `callbackApi.sessionArchive`, issue 15 item
 * 3): a node daemon sends the session files of a workspace's agent when its task's turn ends, with
 * the workspace's callback token (checked by the `workspaceToken` middleware). Kept under the
 * workspace's chat session (session-archives.ts). Answers `{ok}`; 404 for a workspace without a
 * chat session; 413 for an archive over SESSION_ARCHIVE_MAX_BYTES.
 */
import type { CallbackHandlers } from '../app-env.js';
import { principalOf } from '../auth/principal.js';
import { depsFromEnv } from '../deps.js';
import { keepSessionArchive } from './session-archives.js';

export const sessionArchiveHandlers: CallbackHandlers<'sessionArchive'> = {
  sessionArchive: async ({ body }, c) => {
    const { workspace } = principalOf(c.var.principal, 'workspace');
    await keepSessionArchive(depsFromEnv(c.env), workspace, body, Date.now());
    return { ok: true as const };
  },
};
