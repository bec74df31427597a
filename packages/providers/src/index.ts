export * from './provider.js';
export { createLocalProvider, type LocalProviderOptions } from './local/local-provider.js';
export {
  createHetznerProvider,
  validateHetznerToken,
  serverNameFor,
  DEPLOYMENT_LABEL,
  DEFAULT_HETZNER_IMAGE,
  DEFAULT_HETZNER_LOCATION,
  DEFAULT_HETZNER_SERVER_TYPES,
  MANAGED_BY_LABEL,
  NODE_ID_LABEL,
  type HetznerProvider,
  type HetznerProviderOptions,
} from './hetzner/hetzner-provider.js';
export { HETZNER_API_URL } from './hetzner/hetzner-api.js';
export { retryDelayMs } from './json-api.js';
export {
  createCloudflareNodeDns,
  nodeHostLabel,
  CLOUDFLARE_API_URL,
  CLOUDFLARE_HTTPS_PORTS,
  type NodeDns,
  type NodeDnsOptions,
  type NodeDnsRecord,
} from './dns/cloudflare-dns.js';
export { HETZNER_USER_DATA_MAX_BYTES } from './hetzner/hetzner-schemas.js';
