import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildAssistantMessage, estimateTokens } from './assistant-message.js';
import {
  assistantTurnCount,
  isMainConversationRequest,
  isMessagesRequest,
  messagesBody,
  userPromptOf,
} from './conversation.js';
import { apiKeyHash, bearerTokenHash, parseBody, readBody, redactHeaders, sendJson, waitUnlessClosed } from './http-util.js';
import { finishMessageStream, startMessageStream } from './sse.js';
import { sideCallText } from './side-calls.js';
import type { FakeAnthropic, FakeAnthropicOptions, RecordedRequest, Script, Turn } from './types.js';

/** What main requests past the end of a list script are answered with. */
const FINAL_TURN: Turn = { text: 'Done.' };
/** Model id reported by `GET /v1/models`. */
const LISTED_MODEL = 'claude-fake';

/** Chooses the turn answering a messages request under `script`. */
function chooseTurn(script: Script, request: RecordedRequest): Turn {
  if (!isMainConversationRequest(request)) {
    return { text: sideCallText(messagesBody(request)) };
  }
  if (typeof script === 'function') return script(request);
  return script[assistantTurnCount(messagesBody(request))] ?? FINAL_TURN;
}

/** Answers `POST /v1/messages`: SSE when `stream` is true, else one JSON message. */
async function answerMessages(req: IncomingMessage, res: ServerResponse, request: RecordedRequest, turn: Turn): Promise<void> {
  const body = messagesBody(request);
  const message = buildAssistantMessage(turn, body);
  if (body.stream) {
    startMessageStream(res, message);
    if (await waitUnlessClosed(res, turn.delayMs ?? 0)) finishMessageStream(res, message);
    return;
  }
  if (await waitUnlessClosed(res, turn.delayMs ?? 0)) sendJson(req, res, 200, message);
}

/** Answers every route other than `POST /v1/messages`. */
function answerOther(req: IncomingMessage, res: ServerResponse, request: RecordedRequest): void {
  const pathname = request.path.split('?')[0] ?? '/';
  if (pathname === '/v1/messages/count_tokens') {
    sendJson(req, res, 200, { input_tokens: estimateTokens(messagesBody(request).messages) });
  } else if (pathname === '/v1/models') {
    const model = { type: 'model', id: LISTED_MODEL, display_name: 'Claude (fake)', created_at: '2025-01-01T00:00:00Z' };
    sendJson(req, res, 200, { data: [model], has_more: false, first_id: LISTED_MODEL, last_id: LISTED_MODEL });
  } else if (pathname.startsWith('/v1/models/')) {
    const id = decodeURIComponent(pathname.slice('/v1/models/'.length));
    sendJson(req, res, 200, { type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' });
  } else if (req.method === 'GET' || req.method === 'HEAD') {
    sendJson(req, res, 200, {});
  } else {
    sendJson(req, res, 404, { type: 'error', error: { type: 'not_found_error', message: `No route ${req.method} ${pathname}` } });
  }
}

/**
 * Starts a fake of the Anthropic Messages API on 127.0.0.1 that answers from a script.
 *
 * Main-conversation requests (see `isMainConversationRequest`) get the turn whose index is the
 * number of assistant messages already in `body.messages` (past the end: "Done."), or the turn
 * returned by a function script. Side calls get `sideCallText` (schema-valid JSON for structured
 * output, "allow" for Claude Code's permission classifier, else "OK."). `count_tokens`,
 * `/v1/models` and any GET/HEAD are answered too; other unknown routes get a 404 API error.
 * Every request is recorded.
 *
 * @param options script and port (default: empty script, i.e. always "Done."; any free port)
 * @returns the running fake
 * @throws when the port cannot be bound
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  let script: Script = options.script ?? [];
  const requests: RecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const keyHash = apiKeyHash(req.headers);
    const bearerHash = bearerTokenHash(req.headers);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: redactHeaders(req.headers),
      ...(keyHash ? { apiKeySha256: keyHash } : {}),
      ...(bearerHash ? { bearerTokenSha256: bearerHash } : {}),
      body: undefined,
      receivedAt: new Date().toISOString(),
    };
    request.body = parseBody(await readBody(req));
    requests.push(request);
    if (isMessagesRequest(request)) await answerMessages(req, res, request, chooseTurn(script, request));
    else answerOther(req, res, request);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[fake-anthropic] request failed:', error);
      if (!res.headersSent) sendJson(req, res, 500, { type: 'error', error: { type: 'api_error', message: String(error) } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const mainRequests = (): RecordedRequest[] => requests.filter(isMainConversationRequest);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    mainRequests,
    firstUserPrompt: () => {
      const first = mainRequests()[0];
      return first ? userPromptOf(messagesBody(first)) : undefined;
    },
    setScript: (next) => {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
