/**
 * Keeps stdout for protocol messages only: console.log/info/debug are redirected to stderr.
 * Import this module first in the agent's entry point.
 */
console.log = console.error;
console.info = console.error;
console.debug = console.error;
