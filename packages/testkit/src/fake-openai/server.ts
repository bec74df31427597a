/**
 * Fake OpenAI API for running Codex, OpenCode, Qwen Code and Cline offline: the Responses API
 * and Chat Completions under any path prefix (agents use `<url>/v1`), plus `GET …/models`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../fake-anthropic/http-util.js';
import { FAKE_OPENAI_MODEL_NAME } from '../fake-model/agent-env.js';
import { firstUserPrompt, isSideCallPrompt } from '../fake-model/prompts.js';
import { answerTurn, chooseTurn, usageFor, type ModelAnswer } from '../fake-model/script.js';
import { bearerToken, bodyObject, startFakeModelServer, type ModelApiRoutes } from '../fake-model/server.js';
import { offersShellTool } from '../fake-model/shell-tools.js';
import type { FakeModelApi, FakeModelOptions, ModelRequest, ShellScript } from '../fake-model/types.js';
import { answerChatCompletions, chatToolNames, chatToolResults, chatUserTexts } from './chat-completions.js';
import { answerResponses, responsesToolNames, responsesToolResults, responsesUserTexts } from './responses.js';

/** Model id listed by `GET …/models`. */
export const FAKE_OPENAI_MODEL = FAKE_OPENAI_MODEL_NAME;

/** Text answering side calls (titles, summaries, background "memory" requests). */
const SIDE_CALL_TEXT = 'OK.';

/** One of the two model-call formats, as the server reads and answers it. */
interface ModelCallFormat {
  toolNames: (body: Record<string, unknown>) => string[];
  toolResults: (body: Record<string, unknown>) => number;
  userTexts: (body: Record<string, unknown>) => string[];
  answer: (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, answer: ModelAnswer, usage: ReturnType<typeof usageFor>) => Promise<void>;
}

const RESPONSES: ModelCallFormat = { toolNames: responsesToolNames, toolResults: responsesToolResults, userTexts: responsesUserTexts, answer: answerResponses };
const CHAT_COMPLETIONS: ModelCallFormat = { toolNames: chatToolNames, toolResults: chatToolResults, userTexts: chatUserTexts, answer: answerChatCompletions };

/** The format of a request by its path (any prefix), or undefined when it is no model call. */
function formatOf(request: ModelRequest): ModelCallFormat | undefined {
  if (request.method !== 'POST') return undefined;
  const pathname = request.path.split('?')[0] ?? '/';
  if (pathname.endsWith('/responses')) return RESPONSES;
  if (pathname.endsWith('/chat/completions')) return CHAT_COMPLETIONS;
  return undefined;
}

/**
 * Whether a model call is a turn of the main conversation: it offers a known shell tool and its
 * newest user text is not a known side-call prompt (Qwen Code's background requests offer the
 * same tools). Title requests offer no tools.
 */
function isMainCall(format: ModelCallFormat, body: Record<string, unknown>): boolean {
  return offersShellTool(format.toolNames(body)) && !isSideCallPrompt(format.userTexts(body).at(-1) ?? '');
}

/** Answers every route other than the two model calls. */
function answerOther(req: IncomingMessage, res: ServerResponse, request: ModelRequest): void {
  const pathname = request.path.split('?')[0] ?? '/';
  if (req.method === 'GET' && pathname.endsWith('/models')) {
    sendJson(req, res, 200, { object: 'list', data: [{ id: FAKE_OPENAI_MODEL, object: 'model', created: 0, owned_by: 'fake' }] });
  } else {
    sendJson(req, res, 404, { error: { message: `No route ${req.method} ${pathname}`, type: 'invalid_request_error', code: 'not_found' } });
  }
}

const ROUTES: ModelApiRoutes = {
  name: 'fake-openai',
  apiKeyOf: bearerToken,
  answer: async (req, res, request, script: ShellScript) => {
    const format = formatOf(request);
    if (!format) return answerOther(req, res, request);
    const body = bodyObject(request);
    request.main = isMainCall(format, body);
    const answer: ModelAnswer = request.main
      ? answerTurn(chooseTurn(script, request, format.toolResults(body)), format.toolNames(body))
      : { text: SIDE_CALL_TEXT, delayMs: 0 };
    const usage = usageFor(body.messages ?? body.input, answer);
    request.reportedUsage = usage;
    await format.answer(req, res, body, answer, usage);
  },
  userPromptOf: (request) => {
    const format = formatOf(request);
    return format ? firstUserPrompt(format.userTexts(bodyObject(request))) : undefined;
  },
};

/**
 * Starts a fake OpenAI API on 127.0.0.1 answering from a script of shell turns.
 *
 * `POST …/responses` (Codex) and `POST …/chat/completions` (OpenCode, Qwen Code, Cline), SSE
 * when `stream` is true, under any path prefix. Main requests (offering a known shell tool, not a
 * background prompt) get the script's turn for the number of tool results so far, a `shell` turn
 * becoming a call of the agent's own shell tool; side calls get "OK." without tools. Every
 * answer reports usage (recorded as `reportedUsage`). `GET …/models` lists {@link FAKE_OPENAI_MODEL};
 * other routes get a 404 API error. The key (`Authorization: Bearer`) is recorded only hashed.
 *
 * @param options script (default: always "Done.") and port (default: any free port)
 * @returns the running fake
 * @throws when the port cannot be bound
 */
export function startFakeOpenAI(options: FakeModelOptions = {}): Promise<FakeModelApi> {
  return startFakeModelServer(options, ROUTES);
}
