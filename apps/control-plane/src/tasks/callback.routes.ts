/**
 * Handler of the task callback (contracts `callbackApi.taskCallback`): the daemon reports the end
 * of the agent's turn — completed with branch/commit/summary, or failed with an error — with the
 * callback token of the task's workspace (checked by the `workspaceToken` middleware). The
 * TaskRunner records it; 409 when the task can no longer take that outcome.
 */
import { unwrap } from '@flotilla/kit';
import type { CallbackHandlers } from '../app-env.js';
import { depsFromEnv } from '../deps.js';

export const taskCallbackHandlers: CallbackHandlers<'taskCallback'> = {
  taskCallback: async ({ params, body }, c) => {
    const { duplicate } = unwrap(await depsFromEnv(c.env).stubs.taskRunner(params.taskId).completeRun(body));
    return { ok: true, duplicate };
  },
};
