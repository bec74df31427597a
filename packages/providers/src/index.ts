export * from './provider.js';
export { createLocalProvider, type LocalProviderOptions } from './local/local-provider.js';
