/**
 * What the model gateway needs to know about one model API (an "upstream kind"): where it is by
 * default, which of the node's credentials it takes and how they travel, and how its answers
 * report usage: Anthropic's Messages API (anthropic.ts), OpenAI's API and OpenAI-compatible servers
 * (openai.ts), Google's Gemini API (gemini.ts).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { AgentCredentials } from '../agent-credentials.js';

/** A real model credential, as the gateway holds it (never the agent). */
export interface ModelCredential {
  /** `apiKey`: a key of the API; `oauthToken`: a subscription's OAuth access token. */
  kind: 'apiKey' | 'oauthToken';
  value: string;
}

/** The usage one answer reported (zeros where it reported none). */
export interface MeteredUsage {
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

/** Reads an answer's usage as its bytes stream by, without holding them up. */
export interface UsageMeter {
  /** One chunk of the answer's body, as it was passed on to the agent. */
  push(chunk: Buffer): void;
  /** The usage seen, once the answer ended (or was cut). */
  finish(): MeteredUsage;
}

export interface ModelUpstream {
  /** A short name, for logs. */
  readonly kind: string;
  /** The base URL of the real API and the credential for it, from the node's agent credentials; credential null when the node has none. */
  target(credentials: AgentCredentials): { baseUrl: string; credential: ModelCredential | null };
  /**
   * The headers that carry `credential` upstream. They are added after every credential header of
   * the agent's request was removed; `incoming` is that request's headers (e.g. its beta flags).
   */
  credentialHeaders(credential: ModelCredential, incoming: IncomingHttpHeaders): OutgoingHttpHeaders;
  /**
   * A meter of an answer's usage.
   * @param contentType - the answer's `Content-Type`
   * @param maxBufferBytes - at most this much of the answer is held to read its usage (bytes)
   */
  meter(contentType: string | undefined, maxBufferBytes: number): UsageMeter;
}

/** Usage with nothing counted. */
export function emptyUsage(): MeteredUsage {
  return { model: null, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
}
