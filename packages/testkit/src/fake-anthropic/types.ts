/** Types of the fake Anthropic Messages API. */

/** A tool call the fake model makes. `name` is mapped onto the tools the request offers. */
export interface ToolUseSpec {
  /** Tool name, e.g. "Bash" or "Write"; `mcp__acp__<name>` is used when that is what is offered. */
  name: string;
  /** The tool's input, sent as JSON. */
  input: unknown;
}

/** One assistant turn of a script. */
export interface Turn {
  text?: string;
  toolUses?: ToolUseSpec[];
  /** Wait this long (milliseconds) after the stream starts before sending the content. */
  delayMs?: number;
}

/** What the fake model answers: a list of turns, or a function choosing the turn per request. */
export type Script = Turn[] | ((request: RecordedRequest) => Turn);

/** A request received by the fake, as recorded. */
export interface RecordedRequest {
  method: string;
  /** Path including the query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  /** Request headers; values of `authorization` and `x-api-key` are replaced by `<redacted>`. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * SHA-256 (hex) of the `x-api-key` header, when one was sent: lets a test check which key
   * reached the fake (compare with `sha256Hex(key)`) without the key itself being recorded.
   */
  apiKeySha256?: string;
  /** SHA-256 (hex) of the `Authorization: Bearer` token (an OAuth token), when one was sent; the token itself is never recorded. */
  bearerTokenSha256?: string;
  /** Parsed JSON body; undefined when empty, the raw string when not JSON. */
  body: unknown;
  /** ISO 8601 time the request was received. */
  receivedAt: string;
}

/** The fields of a Messages API request body the fake looks at (everything else is accepted). */
export interface MessagesRequestBody {
  model?: string;
  stream?: boolean;
  tools?: Array<{ name?: string }>;
  messages?: Array<{ role?: string; content?: unknown }>;
  system?: unknown;
  [key: string]: unknown;
}

/** Options of `startFakeAnthropic`. */
export interface FakeAnthropicOptions {
  /** The model's script. Default: every main request gets the final turn "Done.". */
  script?: Script;
  /** TCP port on 127.0.0.1. Default 0 (any free port). */
  port?: number;
}

/** A running fake Anthropic Messages API server. */
export interface FakeAnthropic {
  /** Base URL, e.g. `http://127.0.0.1:41234`; use it as ANTHROPIC_BASE_URL. */
  url: string;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  /** Requests of the main conversation (see `isMainConversationRequest`). */
  mainRequests: () => RecordedRequest[];
  /** The user's prompt text as sent in the first main request, without injected reminders. */
  firstUserPrompt: () => string | undefined;
  /** Replaces the script; applies to requests received afterwards. */
  setScript: (script: Script) => void;
  /** Stops the server and drops open connections. */
  close: () => Promise<void>;
}
