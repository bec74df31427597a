export { FlotillaClient, ApiError } from '@flotilla/api-client';
export { startStack, type Stack, type StackOptions } from './stack/stack.js';
export { followTask } from './run/follow.js';
export { ensureDaemonArtifact, localDaemonCommand } from './stack/stack-assets.js';
export { freePort } from './stack/ports.js';
