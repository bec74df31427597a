/**
 * Types shared by the fakes of the OpenAI API (Responses, Chat Completions) and the Gemini API:
 * a script of shell-command turns, the recorded requests, and the running fake's handle. Their
 * shape follows the fake Anthropic API's (packages/testkit/src/fake-anthropic/types.ts).
 */

/** One model turn of a script. */
export interface ShellTurn {
  /** Assistant text of the turn (before the tool call, when there is one). */
  text?: string;
  /**
   * A shell command: the turn calls the agent's own shell tool with it (found in the request's
   * tool list by its known names and argument shapes, see `shell-tools.ts`).
   */
  shell?: string;
  /** Hold the answer back this long (milliseconds) after the stream starts; nothing is sent when the client goes away meanwhile. */
  delayMs?: number;
}

/**
 * What the fake model answers to main requests: a list of turns — turn N answers the main request
 * carrying N tool results so far; past the end the final text "Done." — or a function choosing
 * the turn per request.
 */
export type ShellScript = ShellTurn[] | ((request: ModelRequest) => ShellTurn);

/** Token usage the fake reported in its answer to one request. */
export interface ReportedUsage {
  /** Input (prompt) tokens, including the cached ones, as every one of these APIs counts them. */
  inputTokens: number;
  /** Output (completion, candidates) tokens. */
  outputTokens: number;
  /** Of `inputTokens`, how many were reported as read from the cache. */
  cachedTokens: number;
}

/** A request received by a fake model API, as recorded. */
export interface ModelRequest {
  method: string;
  /** Path including the query string; a `key` query parameter's value is replaced by `<redacted>`. */
  path: string;
  /** Request headers; values of `authorization`, `x-api-key` and `x-goog-api-key` are replaced by `<redacted>`. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * SHA-256 (hex) of the API key the request carried (`Authorization: Bearer` for OpenAI,
   * `x-goog-api-key` or `?key=` for Gemini), when it carried one: compare with `sha256Hex(key)`.
   */
  apiKeySha256?: string;
  /** Parsed JSON body; undefined when empty, the raw string when not JSON. */
  body: unknown;
  /** ISO 8601 time the request was received. */
  receivedAt: string;
  /** Whether the request is a turn of the agent's main conversation (not a side call). */
  main: boolean;
  /** The usage the fake reported in its answer (set when it answered a model call). */
  reportedUsage?: ReportedUsage;
}

/** Options of `startFakeOpenAI` and `startFakeGemini`. */
export interface FakeModelOptions {
  /** The model's script. Default: every main request gets the final turn "Done.". */
  script?: ShellScript;
  /** TCP port on 127.0.0.1. Default 0 (any free port). */
  port?: number;
}

/** A running fake model API server. */
export interface FakeModelApi {
  /** Base URL without a path, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request received so far, in arrival order (a copy). */
  requests: () => ModelRequest[];
  /** The requests that are turns of the main conversation, not side calls. */
  mainRequests: () => ModelRequest[];
  /** The first user text of the first main request, without the context the agent wrapped around it. */
  firstUserPrompt: () => string | undefined;
  /** Replaces the script; applies to requests received afterwards. */
  setScript: (script: ShellScript) => void;
  /** Forgets every request recorded so far and replaces the script: a fresh start for the next test on the same fake. */
  reset: (script: ShellScript) => void;
  /** Stops the server and drops open connections. */
  close: () => Promise<void>;
}
