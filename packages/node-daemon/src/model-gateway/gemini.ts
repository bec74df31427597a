/**
 * Google's Gemini API as an upstream of the model gateway (upstream.ts): what Gemini CLI talks to
 * (`POST /v1beta/models/{model}:streamGenerateContent?alt=sse`, `:generateContent`,
 * `:countTokens`). The agent's base URL (GOOGLE_GEMINI_BASE_URL) is the gateway; its request path
 * is appended to the node's GOOGLE_GEMINI_BASE_URL (by default
 * https://generativelanguage.googleapis.com). The credential is GEMINI_API_KEY, sent as
 * `x-goog-api-key`. Usage: `usageMetadata` of the stream's chunks (each one cumulative: the last
 * wins) or of a JSON answer — `promptTokenCount` (cached content included, recorded apart),
 * `candidatesTokenCount` plus `thoughtsTokenCount` as output.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { MeteredUsage, ModelUpstream } from './upstream.js';
import { isObject, jsonUsageMeter, noUsageMeter, sseUsageMeter } from './usage-meter.js';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

const count = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0);

/** Take one answer (or stream chunk): its `usageMetadata` and `modelVersion`. */
function takeAnswer(answer: unknown, usage: MeteredUsage): void {
  if (!isObject(answer)) return;
  if (typeof answer.modelVersion === 'string') usage.model = answer.modelVersion.slice(0, 200);
  const reported = answer.usageMetadata;
  if (!isObject(reported)) return;
  const prompt = count(reported.promptTokenCount);
  const cached = Math.min(count(reported.cachedContentTokenCount), prompt);
  usage.inputTokens = prompt - cached;
  usage.cacheReadInputTokens = cached;
  usage.outputTokens = count(reported.candidatesTokenCount) + count(reported.thoughtsTokenCount);
}

export const geminiUpstream: ModelUpstream = {
  kind: 'gemini',
  target(credentials) {
    const baseUrl = credentials.GOOGLE_GEMINI_BASE_URL ?? GEMINI_DEFAULT_BASE_URL;
    return { baseUrl, credential: credentials.GEMINI_API_KEY ? { kind: 'apiKey', value: credentials.GEMINI_API_KEY } : null };
  },
  credentialHeaders(credential): OutgoingHttpHeaders {
    return { 'x-goog-api-key': credential.value };
  },
  meter(contentType, maxBufferBytes) {
    const type = (contentType ?? '').toLowerCase();
    if (type.startsWith('text/event-stream')) return sseUsageMeter((_event, data, usage) => takeAnswer(data, usage), maxBufferBytes);
    if (type.startsWith('application/json')) {
      return jsonUsageMeter((body, usage) => {
        // :generateContent answers one object; a streamed answer without alt=sse is a JSON array of chunks.
        for (const answer of Array.isArray(body) ? body : [body]) takeAnswer(answer, usage);
      }, maxBufferBytes);
    }
    return noUsageMeter();
  },
};
