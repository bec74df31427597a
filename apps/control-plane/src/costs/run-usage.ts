/**
 * What a task's run used, recorded in the usage ledger when the run ends (tasks/runner/task-run.ts
 * calls it on the task callback, a failure and a cancellation): the model usage its node's
 * gateway counted (absent when the run ended without a report) and its node time — from when the
 * run got its node (`nodeHeldSince`) to its end; a workspace kept for inspection afterwards is not
 * counted. Never throws: a ledger write that fails is logged, the run's end stands.
 */
import type { ModelUsage } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { getNode } from '../nodes/repository.js';
import type { RunState } from '../runs/run-state.js';
import { recordRunUsage } from './ledger-repository.js';

/** Record the end of `state`'s run, with `usage` as its gateway counted it. */
export async function recordRunEnd(deps: Pick<Deps, 'db' | 'log'>, state: RunState, usage?: ModelUsage): Promise<void> {
  if (!state.taskId) return;
  try {
    const node = state.nodeId && state.nodeHeldSince !== undefined ? await getNode(deps.db, state.nodeId) : null;
    await recordRunUsage(deps.db, {
      projectId: state.projectId,
      taskId: state.taskId,
      chatSessionId: state.task?.chatSessionId ?? null,
      runNumber: state.runNumber ?? 1,
      usage,
      node: node && state.nodeHeldSince !== undefined ? { provider: node.provider, size: node.size, heldMs: Date.now() - state.nodeHeldSince } : undefined,
    });
  } catch (error) {
    deps.log.child({ component: 'costs', taskId: state.taskId }).error('run usage not recorded', { error: errorMessage(error) });
  }
}
