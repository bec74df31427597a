/**
 * The HTTP server under the fake OpenAI and Gemini APIs: it records every request (credentials
 * redacted, the key hashed), hands it to the API's router, and builds the fake's handle.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody, readBody, redactHeaders, sendJson, sha256Hex } from '../fake-anthropic/http-util.js';
import type { FakeModelApi, FakeModelOptions, ModelRequest, ShellScript } from './types.js';

/** How one model API is served by a {@link startFakeModelServer} server. */
export interface ModelApiRoutes {
  /** Name used in error logs, e.g. "fake-openai". */
  name: string;
  /** The API key a request carries (never recorded, only hashed), or undefined. */
  apiKeyOf: (req: IncomingMessage) => string | undefined;
  /**
   * Answers a recorded request; sets `request.main` and `request.reportedUsage` when it is a model
   * call. `script` is the script in force when the request arrived.
   */
  answer: (req: IncomingMessage, res: ServerResponse, request: ModelRequest, script: ShellScript) => Promise<void>;
  /** The user's prompt in a main request's body (agent-added wrapping removed), or undefined. */
  userPromptOf: (request: ModelRequest) => string | undefined;
}

/** Replaces the value of a `key` query parameter (Gemini's API key) with `<redacted>`. */
export function redactKeyParameter(path: string): string {
  return path.replace(/([?&]key=)[^&]*/g, '$1<redacted>');
}

/**
 * Starts a fake model API on 127.0.0.1 answering with `routes`. Every request is recorded before
 * it is answered; a route that throws gets a 500 (its stream is ended when already started).
 *
 * @param options script (default: always "Done.") and port (default: any free port)
 * @returns the running fake
 * @throws when the port cannot be bound
 */
export async function startFakeModelServer(options: FakeModelOptions, routes: ModelApiRoutes): Promise<FakeModelApi> {
  let script: ShellScript = options.script ?? [];
  const requests: ModelRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const key = routes.apiKeyOf(req);
    const request: ModelRequest = {
      method: req.method ?? 'GET',
      path: redactKeyParameter(req.url ?? '/'),
      headers: redactHeaders(req.headers),
      ...(key ? { apiKeySha256: sha256Hex(key) } : {}),
      body: undefined,
      receivedAt: new Date().toISOString(),
      main: false,
    };
    request.body = parseBody(await readBody(req));
    requests.push(request);
    await routes.answer(req, res, request, script);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(`[${routes.name}] request failed:`, error);
      if (!res.headersSent) sendJson(req, res, 500, { error: { code: 500, message: String(error) } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const mainRequests = (): ModelRequest[] => requests.filter((request) => request.main);
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...requests],
    mainRequests,
    firstUserPrompt: () => {
      const first = mainRequests()[0];
      return first ? routes.userPromptOf(first) : undefined;
    },
    setScript: (next) => {
      script = next;
    },
    reset: (next) => {
      requests.length = 0;
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The bearer token of a request's `Authorization` header, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

/** The request body as a JSON object (empty object when it is not one). */
export function bodyObject(request: ModelRequest): Record<string, unknown> {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
