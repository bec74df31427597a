/**
 * Fake Gemini API (generativelanguage `v1beta`) for running Gemini CLI offline:
 * `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`, `:generateContent`,
 * `:countTokens`, and `GET /v1beta/models`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { estimateTokens } from '../fake-anthropic/assistant-message.js';
import { sendJson } from '../fake-anthropic/http-util.js';
import { FAKE_GEMINI_MODEL_NAME } from '../fake-model/agent-env.js';
import { firstUserPrompt, isSideCallPrompt } from '../fake-model/prompts.js';
import { answerTurn, chooseTurn, usageFor, type ModelAnswer } from '../fake-model/script.js';
import { bodyObject, startFakeModelServer, type ModelApiRoutes } from '../fake-model/server.js';
import { offersShellTool } from '../fake-model/shell-tools.js';
import type { FakeModelApi, FakeModelOptions, ModelRequest, ShellScript } from '../fake-model/types.js';
import { answerGenerateContent, geminiResponseSchema, geminiToolNames, geminiToolResults, geminiUserTexts } from './generate-content.js';
import { fillSchema } from './json-schema.js';

/** Text answering side calls that ask for no JSON. */
const SIDE_CALL_TEXT = 'OK.';

/** `…/models/{model}:{method}` of a request path. */
const METHOD_PATH = /\/models\/([^/:]+):([A-Za-z]+)$/;

/** The API key of a request: `x-goog-api-key`, else the `key` query parameter. */
function geminiApiKey(req: IncomingMessage): string | undefined {
  const header = req.headers['x-goog-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const key = new URL(req.url ?? '/', 'http://fake').searchParams.get('key');
  return key || undefined;
}

/**
 * Whether a call is a turn of the main conversation: it declares a known shell function, asks
 * for no JSON, and its newest user text is not a known side-call prompt.
 */
function isMainCall(body: Record<string, unknown>): boolean {
  return offersShellTool(geminiToolNames(body)) && geminiResponseSchema(body) === undefined && !isSideCallPrompt(geminiUserTexts(body).at(-1) ?? '');
}

/** Answers a generate call: the script's turn for a main call, schema-filled JSON or "OK." for a side call. */
async function answerGenerate(req: IncomingMessage, res: ServerResponse, request: ModelRequest, script: ShellScript, model: string, stream: boolean): Promise<void> {
  const body = bodyObject(request);
  request.main = isMainCall(body);
  const schema = geminiResponseSchema(body);
  const answer: ModelAnswer = request.main
    ? answerTurn(chooseTurn(script, request, geminiToolResults(body)), geminiToolNames(body))
    : { text: schema === undefined ? SIDE_CALL_TEXT : JSON.stringify(fillSchema(schema)), delayMs: 0 };
  const usage = usageFor(body.contents, answer);
  request.reportedUsage = usage;
  await answerGenerateContent(req, res, stream, model, answer, usage);
}

const ROUTES: ModelApiRoutes = {
  name: 'fake-gemini',
  apiKeyOf: geminiApiKey,
  answer: async (req, res, request, script) => {
    const pathname = request.path.split('?')[0] ?? '/';
    const [, model = FAKE_GEMINI_MODEL_NAME, method] = METHOD_PATH.exec(pathname) ?? [];
    if (req.method === 'POST' && (method === 'streamGenerateContent' || method === 'generateContent')) {
      return answerGenerate(req, res, request, script, decodeURIComponent(model), method === 'streamGenerateContent');
    }
    if (req.method === 'POST' && method === 'countTokens') {
      return sendJson(req, res, 200, { totalTokens: estimateTokens(bodyObject(request).contents) });
    }
    if (req.method === 'GET' && pathname.endsWith('/models')) {
      return sendJson(req, res, 200, { models: [{ name: `models/${FAKE_GEMINI_MODEL_NAME}`, displayName: 'Gemini (fake)', supportedGenerationMethods: ['generateContent', 'countTokens'] }] });
    }
    sendJson(req, res, 404, { error: { code: 404, message: `No route ${req.method} ${pathname}`, status: 'NOT_FOUND' } });
  },
  userPromptOf: (request) => firstUserPrompt(geminiUserTexts(bodyObject(request))),
};

/**
 * Starts a fake Gemini API on 127.0.0.1 answering from a script of shell turns.
 *
 * Main calls (declaring a known shell function, asking for no JSON) get the script's turn for
 * the number of function responses so far, a `shell` turn becoming a `functionCall` of the
 * agent's shell tool; side calls get JSON filled in from their response schema, or "OK.". Every
 * answer reports `usageMetadata` (recorded as `reportedUsage`). The key (`x-goog-api-key` or
 * `?key=`) is recorded only hashed; other routes get a 404 API error.
 *
 * @param options script (default: always "Done.") and port (default: any free port)
 * @returns the running fake
 * @throws when the port cannot be bound
 */
export function startFakeGemini(options: FakeModelOptions = {}): Promise<FakeModelApi> {
  return startFakeModelServer(options, ROUTES);
}
