/**
 * Handler of the workspace-ready callback (contracts `callbackApi.workspaceReady`, DESIGN.md §2
 * `workspace_ready`): the workspace's clone and branch are done (`running`) or failed (`error`),
 * said with its callback token (checked by the `workspaceToken` middleware). The runner that
 * waits for it is woken: the task's, or — for a workspace created by hand — its WorkspaceRunner.
 * A destroyed workspace stays destroyed: 409.
 */
import { conflict } from '@flotilla/kit';
import type { CallbackHandlers } from '../app-env.js';
import { principalOf } from '../auth/principal.js';
import { depsFromEnv } from '../deps.js';
import { setWorkspaceStatus } from './repository.js';

export const workspaceReadyHandlers: CallbackHandlers<'workspaceReady'> = {
  workspaceReady: async ({ body }, c) => {
    const { workspace } = principalOf(c.var.principal, 'workspace');
    const { db, stubs } = depsFromEnv(c.env);
    if (!(await setWorkspaceStatus(db, workspace.id, body.status, body.status === 'error' ? body.error : null))) {
      throw conflict(`workspace ${workspace.id} is destroyed: it cannot become ${body.status}`);
    }
    if (workspace.task_id) await stubs.taskRunner(workspace.task_id).wake();
    else await stubs.workspaceRunner(workspace.id).wake();
    return { ok: true as const };
  },
};
