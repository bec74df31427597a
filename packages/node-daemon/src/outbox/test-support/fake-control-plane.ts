/**
 * Test-only stand-in for the control plane's `POST /api/workspaces/:workspaceId/messages`: a real
 * HTTP server on 127.0.0.1 that checks the Bearer token, validates the body, dedupes by
 * `messageId` like ProjectData does, records every request, and can be told to fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MESSAGE_BATCH_MAX_BODY_BYTES,
  PersistMessageBatchRequest,
  type ChatMessageInput,
} from '@flotilla/contracts';

/** How the server answers one request. */
export type Behaviour =
  | { kind: 'ok' }
  /** Answer `status` with an error body (and `Retry-After` when given), persisting nothing. */
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  /** Close the connection without answering. */
  | { kind: 'destroy' };

export interface ReceivedRequest {
  workspaceId: string;
  token: string | undefined;
  messageIds: string[];
  /** Size of the request body in bytes. */
  bodyBytes: number;
  /** `performance.now()` when the body had arrived. */
  at: number;
  /** What the server did with it. */
  answer: string;
}

const ROUTE = /^\/api\/workspaces\/([^/]+)\/messages$/;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export class FakeControlPlane {
  /** Every request, in arrival order. */
  readonly requests: ReceivedRequest[] = [];
  /** Expected token per workspace; a workspace not listed accepts any token. */
  readonly tokens = new Map<string, string>();
  /** Milliseconds to wait after reading a body before answering. */
  delayMs = 0;
  /** Answer used when `failNext` has nothing queued. */
  defaultBehaviour: Behaviour = { kind: 'ok' };
  private readonly queued: Behaviour[] = [];
  private readonly stored = new Map<string, ChatMessageInput[]>();
  private readonly seen = new Set<string>();
  private server: Server;
  private port = 0;

  private constructor() {
    this.server = this.createServer();
  }

  /** Start a server on an ephemeral port of 127.0.0.1. */
  static async start(): Promise<FakeControlPlane> {
    const fake = new FakeControlPlane();
    await fake.listen();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Answer the next requests with these behaviours, in order. */
  failNext(...behaviours: Behaviour[]): void {
    this.queued.push(...behaviours);
  }

  /** Messages persisted for a workspace, deduped by `messageId`, in persistence order. */
  received(workspaceId: string): ChatMessageInput[] {
    return this.stored.get(workspaceId) ?? [];
  }

  /** Stop listening and cut open connections: later requests get "connection refused". */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Listen again on the same port after `close()`. */
  async reopen(): Promise<void> {
    this.server = this.createServer();
    await this.listen();
  }

  private createServer(): Server {
    return createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        answer(res, 500, { error: { code: 'internal', message: String(error) } });
      });
    });
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = ROUTE.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      return answer(res, 404, { error: { code: 'not_found', message: 'no such route' } });
    }
    const workspaceId = decodeURIComponent(match[1]!);
    const body = await readBody(req);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const parsed = PersistMessageBatchRequest.safeParse(JSON.parse(body.toString('utf8')));
    const record: ReceivedRequest = {
      workspaceId,
      token,
      messageIds: parsed.success ? parsed.data.messages.map((m) => m.messageId) : [],
      bodyBytes: body.length,
      at: performance.now(),
      answer: 'pending',
    };
    this.requests.push(record);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));

    const behaviour = this.queued.shift() ?? this.defaultBehaviour;
    record.answer = behaviour.kind === 'status' ? String(behaviour.status) : behaviour.kind;
    if (behaviour.kind === 'destroy') return void req.socket.destroy();
    if (behaviour.kind === 'status') {
      const headers: Record<string, string> = behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {};
      const message = behaviour.message ?? `told to fail with ${behaviour.status}`;
      return answer(res, behaviour.status, { error: { code: 'internal', message } }, headers);
    }
    const expected = this.tokens.get(workspaceId);
    if (!token || (expected !== undefined && token !== expected)) {
      record.answer = '401';
      return answer(res, 401, { error: { code: 'unauthorized', message: 'bad callback token' } });
    }
    if (body.length > MESSAGE_BATCH_MAX_BODY_BYTES) {
      record.answer = '413';
      return answer(res, 413, { error: { code: 'payload_too_large', message: 'body too large' } });
    }
    if (!parsed.success) {
      record.answer = '400';
      return answer(res, 400, { error: { code: 'bad_request', message: parsed.error.message } });
    }
    answer(res, 200, this.persist(workspaceId, parsed.data.messages));
  }

  private persist(workspaceId: string, messages: ChatMessageInput[]): { persisted: number; duplicates: number } {
    const list = this.stored.get(workspaceId) ?? [];
    this.stored.set(workspaceId, list);
    let persisted = 0;
    for (const message of messages) {
      if (this.seen.has(message.messageId)) continue;
      this.seen.add(message.messageId);
      list.push(message);
      persisted += 1;
    }
    return { persisted, duplicates: messages.length - persisted };
  }
}
