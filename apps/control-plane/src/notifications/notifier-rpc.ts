/**
 * What the Worker may ask of a Notifier (one Durable Object per project, named by the project
 * id): its RPC interface, which the class implements and bindings.ts types its stubs with.
 */
export interface NotifierRpc extends Rpc.DurableObjectBranded {
  /** Jobs of project `projectId` may be due: deliver them from an alarm set to now (never in the caller's request). */
  kick(projectId: string): Promise<void>;
}
