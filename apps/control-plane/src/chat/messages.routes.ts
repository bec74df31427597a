/**
 * Handler of the message batch callback (contracts `callbackApi.persistMessages`, DESIGN.md §2
 * hop 4): a batch of chat messages from a workspace's outbox (≤ 256 KiB, 1–100 messages), with
 * the workspace's callback token (checked by the `workspaceToken` middleware). Answers
 * `{persisted, duplicates}`; 404 for an unknown session; 403 for messages of another
 * workspace's session.
 */
import { forbidden, notFound } from '@flotilla/kit';
import type { CallbackHandlers } from '../app-env.js';
import { principalOf } from '../auth/principal.js';
import { depsFromEnv } from '../deps.js';

export const messageBatchHandlers: CallbackHandlers<'persistMessages'> = {
  persistMessages: async ({ body }, c) => {
    const { workspace } = principalOf(c.var.principal, 'workspace');
    if (!workspace.project_id) throw notFound(`workspace ${workspace.id} belongs to no project`);
    const data = depsFromEnv(c.env).stubs.projectData(workspace.project_id);
    const foreign = body.messages.find((m) => m.sessionId !== workspace.chat_session_id);
    if (foreign) {
      // A session that does not exist is "not found"; another workspace's session is forbidden.
      if (!(await data.getSession(workspace.project_id, foreign.sessionId))) throw notFound(`chat session ${foreign.sessionId} not found`);
      throw forbidden(`message ${foreign.messageId} is for session ${foreign.sessionId}, not this workspace's session`);
    }
    // A node daemon's messages name no author (only the control plane's own prompts do).
    const outcome = await data.persistMessageBatch(body.messages.map((message) => ({ ...message, author: null })));
    if (!outcome.ok) throw notFound(`chat session ${outcome.sessionId} not found`);
    return { persisted: outcome.persisted, duplicates: outcome.duplicates };
  },
};
