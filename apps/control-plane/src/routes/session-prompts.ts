/**
 * Follow-up prompts (issue 4 item 5): `POST /api/projects/:projectId/sessions/:sessionId/prompt
 * {text}` delivers a prompt to the session's running agent. The prompt is first stored durably in
 * ProjectData and shown in the chat; then delivered to the node daemon with its messageId as the
 * idempotency key (a retry after a lost answer never delivers twice). 409 when the agent is no
 * longer running. The session of a workspace created by hand whose agent has not started yet
 * gets it started, with this prompt as its first (services/manual-workspaces.ts).
 */
import { FollowUpPromptRequest, type FollowUpPromptResponse } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { readConfig } from '../env.js';
import { HttpError, conflict, notFound } from '../lib/errors.js';
import { createLogger, errorMessage } from '../lib/logger.js';
import { parseJsonBody } from '../lib/validation.js';
import { attemptFollowUpDelivery, findRunningAgent } from '../services/follow-up-delivery.js';
import { startAgentWithFirstPrompt } from '../services/manual-workspaces.js';
import { projectData } from '../services/task-submission.js';
import { requireProject } from './projects.js';

const log = createLogger('session-prompts');

export const sessionPromptRoutes = new Hono<AppEnv>()
  /**
   * 202 `FollowUpPromptResponse` (`delivered`, `queued` behind the agent's current turn,
   * `pending`: retried in the background, or `started`: the first prompt of a workspace created
   * by hand started its agent); 404 unknown project or session; 409 the agent is no longer
   * running, or the workspace created by hand is not running yet (nothing is stored then).
   */
  .post('/:sessionId/prompt', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    const sessionId = c.req.param('sessionId');
    await requireProject(c.env.DB, projectId);
    const { text } = await parseJsonBody(c, FollowUpPromptRequest);
    const data = projectData(c.env, projectId);
    const session = await data.getSession(projectId, sessionId);
    if (!session) throw notFound(`chat session ${sessionId} not found in project ${projectId}`);
    let lookup = await findRunningAgent(c.env, session);
    if (!lookup.running && !session.taskId) {
      const first = await startAgentWithFirstPrompt(c.env, readConfig(c.env), session, text).catch((error: unknown) => {
        throw new HttpError('unavailable', `the agent could not be started: ${errorMessage(error)}`);
      });
      if (first.started) {
        log.info('first prompt started the agent', { projectId, sessionId, messageId: first.messageId });
        const body: FollowUpPromptResponse = { sessionId, messageId: first.messageId, delivery: 'started' };
        return c.json(body, 202);
      }
      // Another prompt is starting it at this moment: this one is a follow-up once it runs.
      lookup = await findRunningAgent(c.env, session);
      if (!lookup.running) throw conflict(`${first.reason}; ${lookup.reason}`);
    }
    if (!lookup.running) throw conflict(lookup.reason);
    const messageId = crypto.randomUUID();
    if (!(await data.enqueueFollowUpPrompt(projectId, { sessionId, messageId, text }))) throw notFound(`chat session ${sessionId} not found`);
    const attempt = await attemptFollowUpDelivery(c.env, readConfig(c.env), lookup.agent, { messageId, text });
    await data.settleFollowUpPrompt(messageId, attempt);
    log.info('follow-up prompt', { projectId, sessionId, messageId, outcome: attempt.kind });
    if (attempt.kind === 'agent_gone') throw conflict(attempt.reason);
    const body: FollowUpPromptResponse = { sessionId, messageId, delivery: attempt.kind === 'delivered' ? attempt.delivery : 'pending' };
    return c.json(body, 202);
  });
