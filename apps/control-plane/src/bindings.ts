/**
 * Durable Object stubs, in ONE place: each stub is typed by its object's RPC interface (defined
 * in its domain, implemented by its class), and named by what the object is one of.
 *
 * The stubs are typed here (`RpcStub`) rather than by the runtime's `Rpc.Provider`, whose rules
 * for what may cross a call cannot express `unknown`: it types an `Outcome` as always `ok` (its
 * failure carries `details?: unknown`) and a message list as `never` (tool input is `unknown`).
 * Both are plain data at run time (structured clone), which is all `RpcStub` promises.
 */
import type { Env } from './env.js';
import type { ProjectDataRpc } from './chat/project-data-rpc.js';
import type { NodeLifecycleRpc } from './nodes/lifecycle/node-lifecycle-rpc.js';
import type { TaskRunnerRpc } from './tasks/runner/task-runner-rpc.js';
import type { TriggerRunnerRpc } from './triggers/trigger-runner-rpc.js';
import type { WorkspaceRunnerRpc } from './workspaces/runner/workspace-runner-rpc.js';
import type { NotifierRpc } from './notifications/notifier-rpc.js';

/** What a caller holds of a Durable Object with RPC interface `T`: each method, answering a promise of its result. */
export type RpcStub<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** ProjectData also takes its viewers' WebSocket upgrade by `fetch`. */
export type ProjectDataStub = RpcStub<ProjectDataRpc> & { fetch(request: Request): Promise<Response> };
export type TaskRunnerStub = RpcStub<TaskRunnerRpc>;
export type WorkspaceRunnerStub = RpcStub<WorkspaceRunnerRpc>;
export type NodeLifecycleStub = RpcStub<NodeLifecycleRpc>;
export type TriggerRunnerStub = RpcStub<TriggerRunnerRpc>;
export type NotifierStub = RpcStub<NotifierRpc>;

export interface Stubs {
  /** The chat of project `projectId`. */
  projectData(projectId: string): ProjectDataStub;
  /** The run of task `taskId`. */
  taskRunner(taskId: string): TaskRunnerStub;
  /** The set-up (and deletion) of the workspace created by hand `workspaceId`. */
  workspaceRunner(workspaceId: string): WorkspaceRunnerStub;
  /** Who may use node `nodeId`, and when it goes away. */
  nodeLifecycle(nodeId: string): NodeLifecycleStub;
  /** Triggers' timed work: the next schedule slot, and comments back on GitHub issues (one for the control plane). */
  triggerRunner(): TriggerRunnerStub;
  /** The delivery of project `projectId`'s notifications (notifications/). */
  notifier(projectId: string): NotifierStub;
}

/** The stub of the object named `name` in `namespace`, typed by its RPC interface (see the module comment). */
function stubOf<S, T extends Rpc.DurableObjectBranded>(namespace: DurableObjectNamespace<T>, name: string): S {
  return namespace.get(namespace.idFromName(name)) as unknown as S;
}

/** The stubs of `env`'s Durable Object namespaces. */
export function stubsOf(env: Env): Stubs {
  return {
    projectData: (projectId) => stubOf<ProjectDataStub, ProjectDataRpc>(env.PROJECT_DATA, projectId),
    taskRunner: (taskId) => stubOf<TaskRunnerStub, TaskRunnerRpc>(env.TASK_RUNNER, taskId),
    workspaceRunner: (workspaceId) => stubOf<WorkspaceRunnerStub, WorkspaceRunnerRpc>(env.WORKSPACE_RUNNER, workspaceId),
    nodeLifecycle: (nodeId) => stubOf<NodeLifecycleStub, NodeLifecycleRpc>(env.NODE_LIFECYCLE, nodeId),
    triggerRunner: () => stubOf<TriggerRunnerStub, TriggerRunnerRpc>(env.TRIGGER_RUNNER, 'triggers'),
    notifier: (projectId) => stubOf<NotifierStub, NotifierRpc>(env.NOTIFIER, projectId),
  };
}
