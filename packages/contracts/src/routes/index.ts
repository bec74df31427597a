export * from './route.js';
export * from './public-api.js';
export * from './callbacks.js';
export * from './node-daemon-api.js';
export * from './local-cloud.js';
export * from './access.js';
