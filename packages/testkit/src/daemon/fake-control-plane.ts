/**
 * The control plane as node daemons see it, for tests: a real HTTP server on 127.0.0.1 serving
 * the `callbackApi` routes (contracts routes/callbacks.ts) — node ready, heartbeat, workspace
 * ready, message batches, task callback — and the JWKS. It makes an ES256 key pair (jose),
 * publishes it, and signs the tokens a daemon accepts (management, viewer) and presents
 * (callback); it checks callback tokens, validates bodies with the contracts schemas, records
 * every call, persists message batches deduped by messageId like ProjectData, and can be told to
 * fail, delay or cut the connection. The one fake control plane of the daemon's tests, from the
 * outbox's sender up to a whole daemon process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  JWT_ISSUER,
  JwtAudience,
  MESSAGE_BATCH_MAX_BODY_BYTES,
  NodeHeartbeatRequest,
  NodeReadyRequest,
  PersistMessageBatchRequest,
  STATUS_BY_CODE,
  TaskCallbackRequest,
  WorkspaceReadyRequest,
  type ChatMessageInput,
  type ErrorCode,
  type NodeHeartbeatResponse,
} from '@flotilla/contracts';
import { SignJWT, createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, type GenerateKeyPairResult, type JWTPayload } from 'jose';
import { matchCallbackRoute, type CallbackRouteName } from './callback-routes.js';

/** How the fake answers one callback request. */
export type Behaviour =
  | { kind: 'ok' }
  /** Answer `status` with an error body (and `Retry-After` when given), taking nothing. */
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  /** Close the connection without answering. */
  | { kind: 'destroy' };

/** One callback request, as it arrived and as the fake answered it. */
export interface CallbackRequest {
  route: CallbackRouteName;
  /** The path parameter: the node, workspace or task id. */
  id: string;
  /** The Bearer token it carried. */
  token: string | undefined;
  /** The token's claims (verified, or with `tokens: 'any'` only decoded; `{}` when not a JWT). */
  claims: JWTPayload;
  /** The body, parsed as JSON (undefined when it is not JSON). */
  body: unknown;
  /** Size of the body in bytes. */
  bodyBytes: number;
  /** Message ids of a valid message batch (else none). */
  messageIds: string[];
  /** `performance.now()` when the body had arrived. */
  at: number;
  /** What the fake did: `ok`, `destroy`, or the status it answered. */
  answer: string;
}

/** One call the fake took; `seq` orders all calls of all kinds. */
export interface Recorded<T> {
  seq: number;
  /** The path parameter (node, workspace or task id). */
  id: string;
  body: T;
  claims: JWTPayload;
}

export interface FakeControlPlaneOptions {
  /**
   * Which callback tokens are taken: `signed` (default) — JWTs this fake signed, audience
   * `workspace-callback`; `any` — any Bearer token (its claims decoded without verification).
   * Either way a workspace listed in {@link FakeControlPlane.tokens} takes only its own.
   */
  tokens?: 'signed' | 'any';
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CODE_BY_STATUS = new Map(Object.entries(STATUS_BY_CODE).map(([code, status]) => [status, code as ErrorCode]));

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function refuse(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(response, status, { error: { code: CODE_BY_STATUS.get(status) ?? 'internal', message } }, headers);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function decodedClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    return {};
  }
}

export class FakeControlPlane {
  /** Every callback request, in arrival order. */
  readonly requests: CallbackRequest[] = [];
  readonly nodeReady: Recorded<NodeReadyRequest>[] = [];
  readonly heartbeats: Recorded<NodeHeartbeatRequest>[] = [];
  readonly workspaceReady: Recorded<WorkspaceReadyRequest>[] = [];
  readonly taskCallbacks: Recorded<TaskCallbackRequest>[] = [];
  /** Persisted messages (duplicates dropped), with the seq of the batch that brought them. */
  readonly messages: Recorded<ChatMessageInput>[] = [];
  /** Drafts (`draft: true`) received for messages not yet persisted, in arrival order; not persisted, like ProjectData. */
  readonly drafts: Recorded<ChatMessageInput>[] = [];
  /** The only token a workspace's calls may carry (others get 401); a workspace not listed takes any valid token. */
  readonly tokens = new Map<string, string>();
  /** Milliseconds to wait after reading a body before answering. */
  delayMs = 0;
  /** How requests are answered when `failNext` has nothing queued. */
  defaultBehaviour: Behaviour = { kind: 'ok' };
  /** The answer to a heartbeat the fake takes (default `{ok: true}`: no refreshed tokens). */
  heartbeatAnswer: (heartbeat: Recorded<NodeHeartbeatRequest>) => NodeHeartbeatResponse = () => ({ ok: true });
  private readonly queued: Behaviour[] = [];
  private readonly seenMessageIds = new Set<string>();
  private readonly keys: ReturnType<typeof createLocalJWKSet>;
  private seq = 0;
  private server: Server;
  private port = 0;

  private constructor(
    private readonly jwks: { keys: object[] },
    private readonly privateKey: GenerateKeyPairResult['privateKey'],
    private readonly options: FakeControlPlaneOptions,
  ) {
    this.keys = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    this.server = this.createServer();
  }

  /** Start a fake on a free port of 127.0.0.1. */
  static async start(options: FakeControlPlaneOptions = {}): Promise<FakeControlPlane> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    const fake = new FakeControlPlane({ keys: [jwk] }, privateKey, options);
    await fake.listen();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sign an ES256 token with the published key (valid for an hour). */
  sign(claims: { aud: string; sub: string; iss?: string; workspaceId?: string }): Promise<string> {
    return new SignJWT(claims.workspaceId ? { workspaceId: claims.workspaceId } : {})
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setIssuer(claims.iss ?? JWT_ISSUER)
      .setAudience(claims.aud)
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.privateKey);
  }

  /** A management token for `nodeId` (audience `node-management`): what the control plane calls a daemon with. */
  managementToken(nodeId: string): Promise<string> {
    return this.sign({ aud: JwtAudience.nodeManagement, sub: nodeId });
  }

  /** A callback token (audience `workspace-callback`), node- or workspace-scoped. */
  callbackToken(nodeId: string, workspaceId?: string): Promise<string> {
    return this.sign({ aud: JwtAudience.workspaceCallback, sub: nodeId, ...(workspaceId ? { workspaceId } : {}) });
  }

  /** A viewer token (audience `workspace-terminal`) for a workspace's direct channel and terminal. */
  viewerToken(nodeId: string, workspaceId: string): Promise<string> {
    return this.sign({ aud: JwtAudience.workspaceTerminal, sub: nodeId, workspaceId });
  }

  /** Answer the next requests with these behaviours, in order. */
  failNext(...behaviours: Behaviour[]): void {
    this.queued.push(...behaviours);
  }

  /** Messages persisted for a workspace, deduped by messageId, in persistence order. */
  received(workspaceId: string): ChatMessageInput[] {
    return this.messages.filter((message) => message.id === workspaceId).map((message) => message.body);
  }

  /**
   * Resolve with `probe()`'s first value that is not undefined, asking every 25 ms.
   * @throws Error naming `what` after `timeoutMs` (default 30 s)
   */
  async waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Stop listening and cut open connections: later requests get "connection refused". */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
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
    return createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (error instanceof Refusal) return refuse(response, error.status, error.message);
        refuse(response, 500, String(error));
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

  /** The claims of a request's token. @throws Refusal 401 when the token is not taken */
  private async claimsOf(token: string | undefined, id: string): Promise<JWTPayload> {
    const expected = this.tokens.get(id);
    if (!token || (expected !== undefined && token !== expected)) throw new Refusal(401, 'bad callback token');
    if (this.options.tokens === 'any') return decodedClaims(token);
    try {
      return (await jwtVerify(token, this.keys, { issuer: JWT_ISSUER, audience: JwtAudience.workspaceCallback })).payload;
    } catch (error) {
      throw new Refusal(401, (error as Error).message);
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const matched = matchCallbackRoute(request.method ?? 'GET', path);
    if (matched?.route === 'jwks') return send(response, 200, this.jwks);
    if (!matched) throw new Refusal(404, `no route for ${request.method} ${path}`);
    const bytes = await readBody(request);
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const body = parseJson(bytes);
    const batch = matched.route === 'persistMessages' ? PersistMessageBatchRequest.safeParse(body) : null;
    const record: CallbackRequest = {
      route: matched.route,
      id: matched.id,
      token,
      claims: token ? decodedClaims(token) : {},
      body,
      bodyBytes: bytes.length,
      messageIds: batch?.success ? batch.data.messages.map((message) => message.messageId) : [],
      at: performance.now(),
      answer: 'pending',
    };
    this.requests.push(record);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));

    const behaviour = this.queued.shift() ?? this.defaultBehaviour;
    record.answer = behaviour.kind === 'status' ? String(behaviour.status) : behaviour.kind;
    if (behaviour.kind === 'destroy') return void request.socket.destroy();
    if (behaviour.kind === 'status') {
      const headers: Record<string, string> = behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {};
      return refuse(response, behaviour.status, behaviour.message ?? `told to fail with ${behaviour.status}`, headers);
    }
    try {
      record.claims = await this.claimsOf(token, matched.id);
      if (bytes.length > MESSAGE_BATCH_MAX_BODY_BYTES) throw new Refusal(413, 'body too large');
      if (body === undefined) throw new Refusal(400, 'body is not JSON');
      return this.take(matched.route, matched.id, body, record.claims, response);
    } catch (error) {
      if (error instanceof Refusal) record.answer = String(error.status);
      throw error;
    }
  }

  /** Take a valid call: record it and answer what the control plane answers. @throws Refusal 400 for a body the route refuses */
  private take(route: Exclude<CallbackRouteName, 'jwks'>, id: string, body: unknown, claims: JWTPayload, response: ServerResponse): void {
    const record = <T>(list: Recorded<T>[], parsed: T): Recorded<T> => {
      const recorded = { seq: ++this.seq, id, body: parsed, claims };
      list.push(recorded);
      return recorded;
    };
    const parse = <T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error } }): T => {
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new Refusal(400, parsed.error.message);
      return parsed.data;
    };
    switch (route) {
      case 'nodeReady':
        record(this.nodeReady, parse(NodeReadyRequest));
        return send(response, 200, { ok: true });
      case 'nodeHeartbeat':
        return send(response, 200, this.heartbeatAnswer(record(this.heartbeats, parse(NodeHeartbeatRequest))));
      case 'workspaceReady':
        record(this.workspaceReady, parse(WorkspaceReadyRequest));
        return send(response, 200, { ok: true });
      case 'taskCallback':
        record(this.taskCallbacks, parse(TaskCallbackRequest));
        return send(response, 200, { ok: true, duplicate: false });
      case 'persistMessages':
        return send(response, 200, this.persist(id, parse(PersistMessageBatchRequest).messages, claims));
    }
  }

  private persist(workspaceId: string, messages: ChatMessageInput[], claims: JWTPayload): { persisted: number; duplicates: number } {
    const batchSeq = ++this.seq;
    let persisted = 0;
    for (const message of messages) {
      if (message.draft) {
        if (!this.seenMessageIds.has(message.messageId)) this.drafts.push({ seq: batchSeq, id: workspaceId, body: message, claims });
        continue;
      }
      if (this.seenMessageIds.has(message.messageId)) continue;
      this.seenMessageIds.add(message.messageId);
      this.messages.push({ seq: batchSeq, id: workspaceId, body: message, claims });
      persisted += 1;
    }
    return { persisted, duplicates: messages.filter((message) => !message.draft).length - persisted };
  }
}

/** Start the fake control plane on a free port. */
export function startFakeControlPlane(options: FakeControlPlaneOptions = {}): Promise<FakeControlPlane> {
  return FakeControlPlane.start(options);
}
