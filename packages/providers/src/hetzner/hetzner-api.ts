/**
 * A small fetch-based client of the Hetzner Cloud API (runs in the Worker). Says what Hetzner's
 * errors mean for a Flotilla user; retryable ones (408, 429, 5xx, network failures) are retried
 * as the rate-limit headers say (../json-api.ts), and every failure is a `ProviderError`.
 */
import { createJsonApiRequest, type JsonApiOptions, type JsonApiRequest } from '../json-api.js';
import { HetznerErrorBody } from './hetzner-schemas.js';

export { retryDelayMs } from '../json-api.js';

export interface HetznerApiOptions extends JsonApiOptions {
  /** Default `https://api.hetzner.cloud/v1`. */
  baseUrl?: string;
}

export const HETZNER_API_URL = 'https://api.hetzner.cloud/v1';

/** What Hetzner's error codes mean for a Flotilla user. */
const CLEAR_MESSAGES: Record<string, string> = {
  unauthorized: 'the Hetzner API token is invalid or revoked: save a valid token in your cloud credentials',
  forbidden: 'the Hetzner API token may not do this (it needs read & write permission)',
  resource_limit_exceeded: 'your Hetzner project has reached a resource limit (servers, cores or IPs)',
  rate_limit_exceeded: 'Hetzner rate limit exceeded',
  uniqueness_error: 'a Hetzner resource with this name already exists',
  invalid_input: 'Hetzner refused the request as invalid',
  resource_unavailable: 'the requested server type is not available in this location right now',
  placement_error: 'Hetzner could not place the server in this location',
  server_error: 'Hetzner had an internal error',
  unavailable: 'Hetzner is temporarily unavailable',
};

/** A JSON request to Hetzner, answered with the parsed JSON body (null for an empty body). */
export type HetznerRequest = JsonApiRequest;

/** Build the request function for one token. */
export function createHetznerRequest(options: HetznerApiOptions): HetznerRequest {
  return createJsonApiRequest('Hetzner', options.baseUrl ?? HETZNER_API_URL, options, describeFailure);
}

/** The message of Hetzner's refusal: what it means, then Hetzner's own words. */
function describeFailure(method: string, path: string, status: number, json: unknown): string {
  const parsed = HetznerErrorBody.safeParse(json);
  const code = parsed.success ? parsed.data.error.code : `http_${status}`;
  const detail = parsed.success ? parsed.data.error.message : `HTTP ${status}`;
  const clear = CLEAR_MESSAGES[code];
  return `Hetzner ${method} ${path.split('?')[0]} failed: ${clear ? `${clear} (${detail})` : detail}`;
}
