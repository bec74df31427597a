/**
 * The cron's safety net for workspaces created by hand: every one still being set up or running
 * gets its WorkspaceRunner woken (before its workspace row exists only its own alarm drives it).
 */
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../../deps.js';
import { listManualWorkspaceIdsUnderWay } from '../repository.js';

/** Wake the runners of the workspaces created by hand under way. @returns how many runners were reached */
export async function wakeWorkspaceRuns(deps: Pick<Deps, 'db' | 'stubs' | 'log'>): Promise<number> {
  const log = deps.log.child({ component: 'sweep' });
  let woken = 0;
  for (const workspaceId of await listManualWorkspaceIdsUnderWay(deps.db)) {
    try {
      await deps.stubs.workspaceRunner(workspaceId).wake();
      woken += 1;
    } catch (error) {
      log.warn('could not wake the runner of a workspace created by hand', { workspaceId, error: errorMessage(error) });
    }
  }
  return woken;
}
