/**
 * Anthropic's Messages API as an upstream of the model gateway (upstream.ts) — what Claude Code
 * talks to. The node's credential is its ANTHROPIC_API_KEY (sent as `x-api-key`) or, without one,
 * its subscription's CLAUDE_CODE_OAUTH_TOKEN (sent as `Authorization: Bearer`, with the
 * `oauth-2025-04-20` beta flag the API requires for OAuth tokens); the API is at the node's
 * ANTHROPIC_BASE_URL, by default https://api.anthropic.com. Usage comes from `message_start` and
 * `message_delta` events of a stream (the latter's counts are cumulative), or from `usage` in a
 * JSON answer: input, output, cache creation and cache read tokens.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { ModelUpstream, MeteredUsage } from './upstream.js';
import { isObject, jsonUsageMeter, noUsageMeter, sseUsageMeter } from './usage-meter.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The beta flag Anthropic's API requires with an OAuth access token. */
export const ANTHROPIC_OAUTH_BETA = 'oauth-2025-04-20';

const USAGE_FIELDS = [
  ['input_tokens', 'inputTokens'],
  ['output_tokens', 'outputTokens'],
  ['cache_creation_input_tokens', 'cacheCreationInputTokens'],
  ['cache_read_input_tokens', 'cacheReadInputTokens'],
] as const;

/** Take the counts `usage` reports (each one replaces the count so far: later reports are cumulative). */
function takeUsage(reported: unknown, usage: MeteredUsage): void {
  if (!isObject(reported)) return;
  for (const [field, key] of USAGE_FIELDS) {
    const value = reported[field];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) usage[key] = value;
  }
}

function takeModel(message: unknown, usage: MeteredUsage): void {
  if (isObject(message) && typeof message.model === 'string') usage.model = message.model.slice(0, 200);
}

/** Merge `flag` into the comma-separated `anthropic-beta` header values of the agent's request. */
function withBetaFlag(incoming: IncomingHttpHeaders['anthropic-beta'], flag: string): string {
  const flags = (Array.isArray(incoming) ? incoming : [incoming ?? '']).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  return [...new Set([...flags, flag])].join(',');
}

export const anthropicUpstream: ModelUpstream = {
  kind: 'anthropic',
  target(credentials) {
    const baseUrl = credentials.ANTHROPIC_BASE_URL ?? ANTHROPIC_DEFAULT_BASE_URL;
    if (credentials.ANTHROPIC_API_KEY) return { baseUrl, credential: { kind: 'apiKey', value: credentials.ANTHROPIC_API_KEY } };
    if (credentials.CLAUDE_CODE_OAUTH_TOKEN) return { baseUrl, credential: { kind: 'oauthToken', value: credentials.CLAUDE_CODE_OAUTH_TOKEN } };
    return { baseUrl, credential: null };
  },
  credentialHeaders(credential, incoming): OutgoingHttpHeaders {
    if (credential.kind === 'apiKey') return { 'x-api-key': credential.value };
    return { authorization: `Bearer ${credential.value}`, 'anthropic-beta': withBetaFlag(incoming['anthropic-beta'], ANTHROPIC_OAUTH_BETA) };
  },
  meter(contentType, maxBufferBytes) {
    const type = (contentType ?? '').toLowerCase();
    if (type.startsWith('text/event-stream')) {
      return sseUsageMeter((event, data, usage) => {
        if (!isObject(data)) return;
        if (event === 'message_start' || data.type === 'message_start') {
          takeModel(data.message, usage);
          if (isObject(data.message)) takeUsage(data.message.usage, usage);
        } else if (event === 'message_delta' || data.type === 'message_delta') {
          takeUsage(data.usage, usage);
        }
      }, maxBufferBytes);
    }
    if (type.startsWith('application/json')) {
      return jsonUsageMeter((body, usage) => {
        if (!isObject(body)) return;
        takeModel(body, usage);
        takeUsage(body.usage, usage);
      }, maxBufferBytes);
    }
    return noUsageMeter();
  },
};
