/**
 * The run that sets up a workspace created by hand — node, checkout on
 * `workspace/<workspaceId>`, a registered agent session — then keeps it until it is deleted;
 * driven by its WorkspaceRunner (workspace-runner.ts, a thin adapter) with the run machinery a
 * task's run uses (runs/run-loop.ts) and the steps of steps.ts. A failure marks the workspace
 * `error` (kept for inspection, as a failed task's is).
 */
import { fail, FlotillaError, notFound, succeed, type Outcome } from '@flotilla/kit';
import type { Deps } from '../../deps.js';
import { runAlarm, runCleanup, type RunKind, type RunStore } from '../../runs/run-loop.js';
import { initialRunState, type ManualWorkspaceSubject, type RunState } from '../../runs/run-state.js';
import { stepTimeoutMs } from '../../runs/step.js';
import { setWorkspaceStatus } from '../repository.js';
import { MANUAL_WORKSPACE_STEP_HANDLERS } from './steps.js';

/** The run kind of a workspace created by hand: its steps; its `running` step has no timeout. */
function workspaceRunKind(deps: Deps): RunKind {
  return {
    component: 'workspace-runner',
    logFields: (state) => ({ workspaceId: state.manualWorkspace?.workspaceId ?? state.workspaceId }),
    runStep: async (ctx) => {
      if (!ctx.state.manualWorkspace) throw new FlotillaError('internal', 'this run sets up no workspace created by hand', { retryable: false });
      return MANUAL_WORKSPACE_STEP_HANDLERS[ctx.state.step]({ ...ctx, subject: ctx.state.manualWorkspace });
    },
    // It runs until it is deleted: its `running` step has no timeout.
    stepTimeoutMs: (state, config) => (state.step === 'running' ? Number.POSITIVE_INFINITY : stepTimeoutMs(config, state.step)),
    stepReached: async () => true,
    recordFailure: async (state, message) => {
      // The workspace (when it got that far) is kept for inspection, as a failed task's is.
      if (state.workspaceId) await setWorkspaceStatus(deps.db, state.workspaceId, 'error', message);
    },
    chatSessionId: (state) => state.manualWorkspace?.chatSessionId ?? null,
  };
}

/**
 * Set up a workspace created by hand (no task) in project `projectId`: the run then stays in
 * `running` until {@link destroyWorkspace}. The runner must be named by `subject.workspaceId`.
 * Idempotent: a run already under way is left as it is.
 */
export async function startWorkspaceRun(store: RunStore, deps: Deps, projectId: string, subject: ManualWorkspaceSubject): Promise<void> {
  if (await store.load()) return;
  await store.save({ ...initialRunState(null, projectId, Date.now()), manualWorkspace: subject, workspaceId: subject.workspaceId });
  await store.setAlarm(Date.now());
  deps.log.child({ component: 'workspace-runner', workspaceId: subject.workspaceId }).info('workspace set-up started', { projectId });
}

/**
 * Delete the workspace: the run ends (a step in flight changes nothing more), its agent is
 * stopped and its workspace destroyed on the node, and the node is released as after a completed
 * task (warm when nothing else runs there).
 * @returns `destroyed` when done, `stopping` when the cleanup failed and is retried on the alarm;
 *   not_found (404) when this runner sets up no workspace created by hand
 */
export async function destroyWorkspace(store: RunStore, deps: Deps): Promise<Outcome<'destroyed' | 'stopping'>> {
  const state = await store.load();
  if (!state?.manualWorkspace) return fail(notFound('no workspace created by hand is set up here'));
  if (state.destroyRequested && !state.pendingCleanup) return succeed('destroyed');
  const ending: RunState = { ...state, finished: true, destroyRequested: true, pendingCleanup: 'completed', keepWorkspace: false, attempt: 0 };
  await store.save(ending);
  await runCleanup(store, workspaceRunKind(deps), deps, ending);
  return succeed((await store.load())?.pendingCleanup ? 'stopping' : 'destroyed');
}

/** The alarm: the run's cleanup, or its current step. */
export function onAlarm(store: RunStore, deps: Deps): Promise<void> {
  return runAlarm(store, workspaceRunKind(deps), deps);
}
