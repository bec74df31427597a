/**
 * Handler of follow-up prompts (issue 4 item 5; contracts `publicApi.sendPrompt`):
 * `POST /api/projects/:projectId/sessions/:sessionId/prompt {text}` delivers a prompt to the
 * session's running agent. The prompt is first stored durably in ProjectData and shown in the
 * chat; then delivered to the node daemon with its messageId as the idempotency key (a retry after
 * a lost answer never delivers twice). The session of a workspace created by hand whose agent has
 * not started yet gets it started, with this prompt as its first (workspaces/manual-workspaces.ts).
 * The session of a task that ended, whose workspace is gone, gets the task resumed (tasks/resume.ts).
 */
import { conflict, errorMessage, notFound, unavailable } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { depsFromEnv } from '../deps.js';
import { callerRef } from '../members/caller.js';
import { requireProject } from '../projects/projects.js';
import { resumableTaskOf, resumeTask } from '../tasks/resume.js';
import { startAgentWithFirstPrompt } from '../workspaces/manual-workspaces.js';
import { attemptFollowUpDelivery, findRunningAgent } from './follow-up-delivery.js';

export const promptHandlers: PublicHandlers<'sendPrompt'> = {
  /**
   * 202 `FollowUpPromptResponse` (`delivered`, `queued` behind the agent's current turn,
   * `pending`: retried in the background, `started`: the first prompt of a workspace created
   * by hand started its agent, or `resumed`: the session's task had ended and runs again with
   * this prompt); 404 unknown project or session; 409 the agent is no longer running and its
   * task cannot be resumed (under way without an agent yet, or failed/cancelled with its
   * workspace still kept), or the workspace created by hand is not running yet (nothing is
   * stored then); 503 when the agent could not be started.
   */
  sendPrompt: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const { projectId, sessionId } = params;
    const log = deps.log.child({ component: 'session-prompts' });
    await requireProject(deps.db, projectId);
    const data = deps.stubs.projectData(projectId);
    const session = await data.getSession(projectId, sessionId);
    if (!session) throw notFound(`chat session ${sessionId} not found in project ${projectId}`);
    const author = await callerRef(c);
    let lookup = await findRunningAgent(deps.db, session);
    if (!lookup.running && !session.taskId) {
      const first = await startAgentWithFirstPrompt(deps, session, body.text, author).catch((error: unknown) => {
        throw unavailable(`the agent could not be started: ${errorMessage(error)}`);
      });
      if (first.started) {
        log.info('first prompt started the agent', { projectId, sessionId, messageId: first.messageId });
        return { sessionId, messageId: first.messageId, delivery: 'started' as const };
      }
      // Another prompt is starting it at this moment: this one is a follow-up once it runs.
      lookup = await findRunningAgent(deps.db, session);
      if (!lookup.running) throw conflict(`${first.reason}; ${lookup.reason}`);
    }
    if (!lookup.running) {
      const ended = await resumableTaskOf(deps.db, session);
      if (!ended) throw conflict(lookup.reason);
      const { messageId } = await resumeTask(deps, ended, body.text, 'user', author);
      log.info('follow-up prompt resumed the task', { projectId, sessionId, messageId, taskId: ended.id });
      await recordFromRoute(c, { projectId, action: 'task.resumed', target: { kind: 'task', id: ended.id }, detail: { title: ended.title } });
      return { sessionId, messageId, delivery: 'resumed' as const };
    }
    const messageId = crypto.randomUUID();
    if (!(await data.enqueueFollowUpPrompt(projectId, { sessionId, messageId, text: body.text, author }))) throw notFound(`chat session ${sessionId} not found`);
    const attempt = await attemptFollowUpDelivery(deps, lookup.agent, { messageId, text: body.text });
    await data.settleFollowUpPrompt(messageId, attempt);
    log.info('follow-up prompt', { projectId, sessionId, messageId, outcome: attempt.kind });
    if (attempt.kind === 'agent_gone') throw conflict(attempt.reason);
    return { sessionId, messageId, delivery: attempt.kind === 'delivered' ? attempt.delivery : ('pending' as const) };
  },
};
