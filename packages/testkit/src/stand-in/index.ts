/**
 * The control plane's workerd tests' stand-in for the outside of the Worker (Node side): the
 * local cloud and node daemons, scripted per test (server.ts). A test double of what the Worker
 * calls — never of the Worker itself.
 */
export { startStandIn, type StandIn } from './server.js';
export type { RecordedRequest, Rule, Scripted } from './control.js';
