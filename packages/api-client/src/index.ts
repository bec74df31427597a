export { FlotillaClient } from './client.js';
export { ApiError, isUnauthorized } from './api-error.js';
