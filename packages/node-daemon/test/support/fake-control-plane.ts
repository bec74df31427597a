/**
 * Test-only stand-in for the control plane, as the node daemon sees it: a real HTTP server on
 * 127.0.0.1 that publishes a JWKS (an ES256 key pair made with jose), signs tokens with it, and
 * records the daemon's callbacks — node ready, heartbeat, workspace ready, task callback — and
 * message batches, which it dedupes by messageId and answers `{persisted, duplicates}` like
 * ProjectData. Callback tokens are verified (audience `workspace-callback`) and bodies validated
 * with the contracts schemas, so a daemon that breaks the contract gets a 4xx here too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWTPayload, createLocalJWKSet } from 'jose';
import {
  type ChatMessageInput,
  JWT_ISSUER,
  JwtAudience,
  NodeHeartbeatRequest,
  NodeReadyRequest,
  PersistMessageBatchRequest,
  TaskCallbackRequest,
  WorkspaceReadyRequest,
} from '@flotilla/contracts';
import type { z } from 'zod';

/** One recorded call; `seq` orders all calls of all kinds. */
export interface Recorded<T> {
  seq: number;
  /** The path parameter (node, workspace or task id). */
  id: string;
  body: T;
  claims: JWTPayload;
}

export interface FakeControlPlane {
  url: string;
  /** Sign an ES256 token with the published key. */
  sign(claims: { aud: string; sub: string; iss?: string; workspaceId?: string }): Promise<string>;
  /** A management token for `nodeId` (audience `node-management`). */
  managementToken(nodeId: string): Promise<string>;
  /** A callback token (audience `workspace-callback`), node- or workspace-scoped. */
  callbackToken(nodeId: string, workspaceId?: string): Promise<string>;
  nodeReady: Recorded<NodeReadyRequest>[];
  heartbeats: Recorded<NodeHeartbeatRequest>[];
  workspaceReady: Recorded<WorkspaceReadyRequest>[];
  taskCallbacks: Recorded<TaskCallbackRequest>[];
  /** Persisted messages (duplicates dropped), with the seq of the batch that brought them. */
  messages: Array<Recorded<ChatMessageInput>>;
  /** Resolve with `probe()`'s first non-undefined value; reject after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined, timeoutMs?: number, what?: string): Promise<T>;
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpFailure(400, 'body is not JSON');
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpFailure(400, parsed.error.message);
  return parsed.data;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Start the fake on a free port. */
export async function startFakeControlPlane(): Promise<FakeControlPlane> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const jwks = { keys: [jwk] };
  const localKeys = createLocalJWKSet(jwks);
  let seq = 0;
  const seenMessageIds = new Set<string>();

  const fake: Omit<FakeControlPlane, 'url' | 'close'> = {
    sign: ({ aud, sub, iss = JWT_ISSUER, workspaceId }) =>
      new SignJWT(workspaceId ? { workspaceId } : {})
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    managementToken: (nodeId) => fake.sign({ aud: JwtAudience.nodeManagement, sub: nodeId }),
    callbackToken: (nodeId, workspaceId) =>
      fake.sign({ aud: JwtAudience.workspaceCallback, sub: nodeId, ...(workspaceId ? { workspaceId } : {}) }),
    nodeReady: [],
    heartbeats: [],
    workspaceReady: [],
    taskCallbacks: [],
    messages: [],
    waitFor: async (probe, timeoutMs = 30_000, what = 'condition') => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };

  async function claimsOf(request: IncomingMessage): Promise<JWTPayload> {
    const token = request.headers.authorization?.match(/^Bearer (\S+)$/)?.[1];
    if (!token) throw new HttpFailure(401, 'missing token');
    try {
      const { payload } = await jwtVerify(token, localKeys, { issuer: JWT_ISSUER, audience: JwtAudience.workspaceCallback });
      return payload;
    } catch (error) {
      throw new HttpFailure(401, (error as Error).message);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'GET' && path === '/.well-known/jwks.json') return send(response, 200, jwks);
    if (request.method !== 'POST') throw new HttpFailure(404, 'not found');
    const route = path.match(/^\/api\/(nodes|workspaces|tasks)\/([^/]+)\/(ready|heartbeat|messages|callback)$/);
    if (!route) throw new HttpFailure(404, 'not found');
    const [, kind, rawId, action] = route as unknown as [string, string, string, string];
    const id = decodeURIComponent(rawId);
    const claims = await claimsOf(request);
    const body = await readJson(request);
    const record = <T>(list: Recorded<T>[], parsed: T): void => {
      list.push({ seq: ++seq, id, body: parsed, claims });
    };
    if (kind === 'nodes' && action === 'ready') record(fake.nodeReady, parse(NodeReadyRequest, body));
    else if (kind === 'nodes' && action === 'heartbeat') record(fake.heartbeats, parse(NodeHeartbeatRequest, body));
    else if (kind === 'workspaces' && action === 'ready') record(fake.workspaceReady, parse(WorkspaceReadyRequest, body));
    else if (kind === 'tasks' && action === 'callback') record(fake.taskCallbacks, parse(TaskCallbackRequest, body));
    else if (kind === 'workspaces' && action === 'messages') {
      const batch = parse(PersistMessageBatchRequest, body);
      const batchSeq = ++seq;
      let persisted = 0;
      for (const message of batch.messages) {
        if (seenMessageIds.has(message.messageId)) continue;
        seenMessageIds.add(message.messageId);
        fake.messages.push({ seq: batchSeq, id, body: message, claims });
        persisted += 1;
      }
      return send(response, 200, { persisted, duplicates: batch.messages.length - persisted });
    } else throw new HttpFailure(404, 'not found');
    send(response, 200, kind === 'tasks' ? { ok: true, duplicate: false } : { ok: true });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpFailure ? error.status : 500;
      send(response, status, { error: { code: status === 401 ? 'unauthorized' : 'bad_request', message: (error as Error).message } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
