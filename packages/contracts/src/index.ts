export * from './agents.js';
export * from './auth.js';
export * from './chat.js';
export * from './errors.js';
export * from './ids.js';
export * from './node.js';
export * from './project.js';
export * from './task.js';
