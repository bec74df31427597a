/**
 * What the Worker may ask of the TriggerRunner (one Durable Object for the control plane, named
 * `triggers`): its RPC interface, which the class implements and bindings.ts types its stub with.
 */
export interface TriggerRunnerRpc extends Rpc.DurableObjectBranded {
  /** Set the alarm again after schedule triggers changed: at the next slot of any, or retry time of an owed comment. */
  rearm(): Promise<void>;
  /** A task ended that owes a comment on its GitHub issue: the alarm runs now and comments it (a failure is retried later). */
  commentSoon(): Promise<void>;
}
