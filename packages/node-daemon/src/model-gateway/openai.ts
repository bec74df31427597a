/**
 * OpenAI's API — and any OpenAI-compatible server — as an upstream of the model gateway
 * (upstream.ts): what Codex (Responses API, `POST /responses`) and OpenCode, Qwen Code and Cline
 * (Chat Completions, `POST /chat/completions`) talk to. The agent's base URL is the gateway's root;
 * its request path is appended to the node's OPENAI_BASE_URL (by default
 * https://api.openai.com/v1, so it includes the `/v1`). The credential is OPENAI_API_KEY, sent as
 * `Authorization: Bearer`. Usage: a Responses stream's `response.completed` (its `response.usage`),
 * a Chat Completions chunk carrying `usage` (the last one, with `stream_options.include_usage`), or
 * `usage` in a JSON answer; OpenAI counts cached input within the input tokens, the gateway records
 * them apart (`cacheReadInputTokens`), as Anthropic reports them.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { MeteredUsage, ModelUpstream } from './upstream.js';
import { isObject, jsonUsageMeter, noUsageMeter, sseUsageMeter } from './usage-meter.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

/** Take a Responses (`input_tokens`, `output_tokens`) or Chat Completions (`prompt_tokens`, `completion_tokens`) usage object. */
function takeUsage(reported: unknown, usage: MeteredUsage): void {
  if (!isObject(reported)) return;
  const input = count(reported.input_tokens) ?? count(reported.prompt_tokens);
  const output = count(reported.output_tokens) ?? count(reported.completion_tokens);
  const details = isObject(reported.input_tokens_details) ? reported.input_tokens_details : isObject(reported.prompt_tokens_details) ? reported.prompt_tokens_details : {};
  const cached = count(details.cached_tokens) ?? 0;
  if (input !== null) {
    usage.inputTokens = Math.max(0, input - cached);
    usage.cacheReadInputTokens = Math.min(cached, input);
  }
  if (output !== null) usage.outputTokens = output;
}

function takeModel(body: unknown, usage: MeteredUsage): void {
  if (isObject(body) && typeof body.model === 'string') usage.model = body.model.slice(0, 200);
}

export const openaiUpstream: ModelUpstream = {
  kind: 'openai',
  target(credentials) {
    const baseUrl = credentials.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL;
    return { baseUrl, credential: credentials.OPENAI_API_KEY ? { kind: 'apiKey', value: credentials.OPENAI_API_KEY } : null };
  },
  credentialHeaders(credential): OutgoingHttpHeaders {
    return { authorization: `Bearer ${credential.value}` };
  },
  meter(contentType, maxBufferBytes) {
    const type = (contentType ?? '').toLowerCase();
    if (type.startsWith('text/event-stream')) {
      return sseUsageMeter((event, data, usage) => {
        if (!isObject(data)) return;
        if (event === 'response.completed' || data.type === 'response.completed' || data.type === 'response.incomplete') {
          takeModel(data.response, usage);
          if (isObject(data.response)) takeUsage(data.response.usage, usage);
        } else if (data.object === 'chat.completion.chunk') {
          takeModel(data, usage);
          takeUsage(data.usage, usage);
        }
      }, maxBufferBytes);
    }
    if (type.startsWith('application/json')) {
      return jsonUsageMeter((body, usage) => {
        takeModel(body, usage);
        if (isObject(body)) takeUsage(body.usage, usage);
      }, maxBufferBytes);
    }
    return noUsageMeter();
  },
};
