/**
 * Cleanup of an ended run (cleanup.ts, run-loop.ts `runCleanup`) when other calls land during its
 * I/O (issue 12, item 6), each race played out deterministically by running the other call from
 * inside the cleanup's own I/O:
 * - a run that reserves the node (`tryReserve`) after cleanup counted the node's workspaces keeps
 *   its reservation — the node does not go warm under it;
 * - a new run begun by `start()` while the previous run's cleanup is in flight is not overwritten
 *   by that cleanup's bookkeeping.
 */
import type { TaskRunSubject } from './run-state.js';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { insertNode, markNodeReady } from '../nodes/repository.js';
import { startRun } from '../tasks/runner/task-run.js';
import { insertWorkspace, setWorkspaceStatus } from '../workspaces/repository.js';
import { cleanUpRun } from './cleanup.js';
import { runCleanup, type RunKind, type RunStore } from './run-loop.js';
import { initialRunState, type RunState } from './run-state.js';
import { createProject, deps, nodeLifecycle, standIn } from '../../test/helpers.js';

/** An auto-provisioned ready node held by `holderId`, with one workspace of it (set up: `running`). */
async function heldNode(holderId: string) {
  const nodeId = `nod_${crypto.randomUUID()}`;
  const workspaceId = `ws_${crypto.randomUUID()}`;
  const project = await createProject('cleanup-race');
  await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
  await markNodeReady(env.DB, nodeId, standIn.daemonUrl(`cleanup-${nodeId}`), 'test', 'none');
  await insertWorkspace(env.DB, { id: workspaceId, nodeId, projectId: project.id, taskId: holderId, chatSessionId: '', branch: `task/${holderId}` });
  await setWorkspaceStatus(env.DB, workspaceId, 'running');
  await nodeLifecycle(nodeId).markActive(nodeId, holderId);
  return { nodeId, workspaceId, projectId: project.id };
}

/**
 * `db` with `before()` run (once) ahead of the first statement whose SQL matches `pattern`, when
 * that statement is executed — another call landing exactly between two of the caller's steps.
 */
function dbRunningFirst(db: D1Database, pattern: RegExp, before: () => Promise<void>): D1Database {
  let pending: (() => Promise<void>) | null = before;
  const hooked = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'bind') return (...args: unknown[]) => hooked((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
        if (prop === 'first' || prop === 'all' || prop === 'run' || prop === 'raw') {
          return async (...args: unknown[]) => {
            const run = pending;
            pending = null;
            if (run) await run();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'prepare') return (sql: string) => (pattern.test(sql) && pending ? hooked(target.prepare(sql)) : target.prepare(sql));
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A run store in memory (what a runner's Durable Object storage holds), with the state saved last. */
function memoryStore(initial: RunState): RunStore & { state: () => RunState | undefined } {
  let stored: RunState | undefined = structuredClone(initial);
  return {
    state: () => stored,
    load: async () => (stored ? structuredClone(stored) : undefined),
    save: async (state) => {
      stored = structuredClone(state);
    },
    setAlarm: async () => undefined,
  };
}

const KIND: RunKind = {
  component: 'test-runner',
  logFields: (state) => ({ taskId: state.taskId }),
  runStep: () => Promise.reject(new Error('no steps here')),
  stepTimeoutMs: () => Number.POSITIVE_INFINITY,
  stepReached: async () => true,
  recordFailure: async () => undefined,
  chatSessionId: () => null,
};

const noopLog = deps().log.child({ component: 'cleanup-test' });

describe('cleanup racing other calls', () => {
  it('a reservation made after cleanup counted the workspaces keeps the node active (it used to be erased by the node going warm)', async () => {
    const { nodeId, workspaceId, projectId } = await heldNode('tsk_ending');
    const lifecycle = nodeLifecycle(nodeId);
    const base = deps();
    // Cleanup counts the node's workspaces in D1; a new run reserves the node right then.
    let reserved: boolean | null = null;
    const racing: Deps = {
      ...base,
      db: dbRunningFirst(base.db, /COUNT\(\*\) AS n FROM workspaces/, async () => {
        reserved = await lifecycle.tryReserve('tsk_next', 2, 0);
      }),
    };
    const state: RunState = { ...initialRunState('tsk_ending', projectId, Date.now()), step: 'running', nodeId, workspaceId, finished: true, pendingCleanup: 'completed' };
    await cleanUpRun(racing, state, 'completed', null, noopLog);
    expect(reserved).toBe(true);
    expect(await lifecycle.getStatus()).toMatchObject({ status: 'active', holderIds: ['tsk_next'] });
    // When the last holder leaves with nothing left on the node, it goes warm.
    await cleanUpRun(base, { ...state, taskId: 'tsk_next' }, 'completed', null, noopLog);
    expect(await lifecycle.getStatus()).toMatchObject({ status: expect.stringMatching(/^(warm|destroying|destroyed)$/), holderIds: [] });
  });

  it('a new run started while the previous run is being cleaned up is kept (it used to be overwritten by the cleanup)', async () => {
    const { nodeId, workspaceId, projectId } = await heldNode('tsk_retried');
    const subject: TaskRunSubject = { taskId: 'tsk_retried', projectId, title: 'retried', agentType: 'claude-code', vmSize: null, chatSessionId: null, initialMessageId: null };
    const ended: RunState = {
      ...initialRunState('tsk_retried', projectId, Date.now()),
      task: subject,
      step: 'running',
      nodeId,
      workspaceId,
      finished: true,
      pendingCleanup: 'failed',
      keepWorkspace: true,
    };
    const store = memoryStore(ended);
    const base = deps();
    let startedRun: number | null = null;
    // The failed run's cleanup releases the node; a retry's start() lands during that call.
    const racing: Deps = {
      ...base,
      stubs: {
        ...base.stubs,
        nodeLifecycle: (id: string) => {
          const real = base.stubs.nodeLifecycle(id);
          return {
            release: async (holderId: string) => {
              if (startedRun === null) startedRun = await startRun(store, base, subject);
              return real.release(holderId);
            },
          } as unknown as ReturnType<Deps['stubs']['nodeLifecycle']>;
        },
      },
    };
    await runCleanup(store, KIND, racing, ended);
    expect(startedRun).toBe(2);
    expect(store.state()).toMatchObject({ runNumber: 2, finished: false, pendingCleanup: null, step: 'node_selection', nodeId: null, workspaceId: null });
  });
});
