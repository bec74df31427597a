/**
 * What the Worker may ask of a WorkspaceRunner (one Durable Object per workspace created by
 * hand, named by the workspace id): its RPC interface, which the class implements and
 * bindings.ts types its stubs with.
 */
import type { Outcome } from '@flotilla/kit';
import type { ManualWorkspaceSubject, RunState } from '../../runs/run-state.js';

export interface WorkspaceRunnerRpc extends Rpc.DurableObjectBranded {
  /** Set the workspace up in project `projectId` (idempotent). */
  start(projectId: string, subject: ManualWorkspaceSubject): Promise<void>;
  /**
   * Delete the workspace: `destroyed`, or `stopping` while its cleanup is retried; not_found (404)
   * when this object sets up no workspace.
   */
  destroy(): Promise<Outcome<'destroyed' | 'stopping'>>;
  /** A callback changed what the current step waits for: run it now. */
  wake(): Promise<void>;
  getState(): Promise<RunState | null>;
}
