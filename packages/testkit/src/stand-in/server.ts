/**
 * Stand-in for the outside of the control plane in its workerd tests (Node side): the local
 * cloud (`/cloud/...`, what LOCAL_CLOUD_URL points at) and node daemons
 * (`/daemon/<key>/...`, a test picks `<key>` and reports `<url>/daemon/<key>` as the node's URL
 * in the ready callback). By default each answers as the real one does (the node daemon's
 * answers are those of contracts `nodeDaemonApi`). Every request is recorded; answers can be
 * scripted per rule: a status and body, `hang` (never answer), or `hold` (answer once the test
 * releases it).
 *
 * It also stands in for the repositories the control plane checks when a project is created
 * (projects/repository-check.ts), each with branches `main` and `develop`: any path the local
 * cloud is asked about (`POST /cloud/git/remote-refs`; one with a `missing` segment does not exist), and any git smart HTTP repository under
 * `<url>/git/` (`GET /git/<name>/info/refs?service=git-upload-pack`, a ref advertisement).
 *
 * Control API (used by the tests from inside workerd through fetch):
 * - `POST /__control/rules` `{method, path (regex), perNode?, responses: Scripted[]}` adds a rule.
 *   Responses are consumed in order, then the default answer applies. With `perNode`, each
 *   distinct `nodeId` in the request body gets the whole sequence (for `POST /cloud/nodes`, whose
 *   node id the test cannot know in advance).
 * - `GET /__control/requests` the recorded requests.
 * - `POST /__control/release` `{hold}` answers the held requests of that name.
 * - `POST /__control/clear-rules` removes every rule (requests stay recorded).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { RecordedRequest, Rule } from './control.js';


interface ActiveRule extends Rule {
  regex: RegExp;
  consumed: Map<string, number>;
}

interface Held {
  name: string;
  respond: (status?: number, body?: unknown) => void;
}

export interface StandIn {
  url: string;
  close(): Promise<void>;
}

/** The branches of every repository the stand-in stands in for. */
const STAND_IN_BRANCHES = ['main', 'develop'];

/** One pkt-line (4 hex digits of length, counting themselves, then the payload). */
const pktLine = (payload: string) => `${(Buffer.byteLength(payload) + 4).toString(16).padStart(4, '0')}${payload}`;

/** The smart HTTP ref advertisement of a repository with {@link STAND_IN_BRANCHES} (HEAD: main). */
function refAdvertisement(): string {
  const oid = 'a'.repeat(40);
  const refs = STAND_IN_BRANCHES.map((branch) => pktLine(`${oid} refs/heads/${branch}\n`));
  return `${pktLine('# service=git-upload-pack\n')}0000${pktLine(`${oid} HEAD\0symref=HEAD:refs/heads/main agent=stand-in\n`)}${refs.join('')}0000`;
}

/** What the local cloud or a node daemon answers to `method path` with `body`, unless a rule says otherwise. */
function defaultAnswer(method: string, path: string, body: Record<string, unknown>): { status: number; body?: unknown } {
  if (method === 'POST' && path === '/cloud/git/remote-refs') {
    // A path with a `missing` segment stands for one that does not exist.
    if (String(body.repository).split('/').includes('missing')) return { status: 200, body: { reachable: false, reason: 'does not exist' } };
    return { status: 200, body: { reachable: true, headBranch: 'main', branches: STAND_IN_BRANCHES } };
  }
  const cloud = path.match(/^\/cloud\/nodes(?:\/([^/]+))?$/);
  if (cloud) {
    const nodeId = cloud[1] ? decodeURIComponent(cloud[1]) : String(body.nodeId ?? '');
    // As the CLI's local cloud answers (contracts localCloudApi): the node as it is now.
    if (method === 'DELETE') return { status: 200, body: { nodeId, status: 'exited', pid: 4242, exitCode: 0 } };
    return { status: method === 'POST' ? 201 : 200, body: { nodeId, status: 'running', pid: 4242, exitCode: null } };
  }
  const daemon = path.match(/^\/daemon\/[^/]+(\/.*)$/);
  const rest = daemon?.[1] ?? '';
  if (method === 'POST' && rest === '/workspaces') {
    return { status: 202, body: { workspaceId: body.workspaceId, status: 'creating' } };
  }
  const deleted = method === 'DELETE' ? rest.match(/^\/workspaces\/([^/]+)$/) : null;
  if (deleted) return { status: 200, body: { workspaceId: decodeURIComponent(deleted[1]!), status: 'destroyed' } };
  const session = rest.match(/^\/workspaces\/([^/]+)\/agent-sessions(?:\/([^/]+))?(\/start)?$/);
  if (session) {
    const [, workspaceId, sessionId, start] = session;
    const agentSessionId = sessionId ?? String(body.agentSessionId ?? '');
    const status = start ? 'starting' : method === 'GET' ? 'running' : 'registered';
    const info = { agentSessionId, workspaceId, status, agentType: body.agentType ?? null, error: null };
    return { status: method === 'GET' ? 200 : start ? 202 : 201, body: info };
  }
  return { status: 404, body: { error: { code: 'not_found', message: `stand-in has no ${method} ${path}` } } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  if (body === undefined || status === 204) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Start the stand-in on a free port of 127.0.0.1. */
export async function startStandIn(): Promise<StandIn> {
  const rules: ActiveRule[] = [];
  const requests: RecordedRequest[] = [];
  const held: Held[] = [];
  const hanging = new Set<ServerResponse>();

  async function control(req: IncomingMessage, res: ServerResponse, path: string, text: string) {
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (req.method === 'GET' && path === '/__control/requests') return send(res, 200, requests);
    if (req.method === 'POST' && path === '/__control/rules') {
      const rule = body as unknown as Rule;
      rules.push({ ...rule, regex: new RegExp(rule.path), consumed: new Map() });
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/__control/clear-rules') {
      rules.length = 0;
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/__control/release') {
      const released = held.filter((h) => h.name === body.hold);
      for (const h of released) {
        held.splice(held.indexOf(h), 1);
        h.respond();
      }
      return send(res, 200, { released: released.length });
    }
    return send(res, 404, { error: 'unknown control call' });
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
      const method = req.method ?? 'GET';
      const text = await readBody(req);
      if (path.startsWith('/__control/')) return control(req, res, path, text);
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { unparsed: text };
      }
      const record: RecordedRequest = {
        seq: requests.length + 1,
        method,
        path,
        authorization: req.headers.authorization ?? null,
        body: text ? body : null,
        answer: '',
      };
      requests.push(record);
      const fallback = defaultAnswer(method, path, body);
      const rule = rules.find((r) => r.method === method && r.regex.test(path));
      const key = rule?.perNode ? String(body.nodeId ?? path) : '*';
      const index = rule ? (rule.consumed.get(key) ?? 0) : 0;
      const scripted = rule?.responses[index];
      if (rule && scripted) rule.consumed.set(key, index + 1);
      if (!scripted && method === 'GET' && /^\/git\/.+\/info\/refs$/.test(path)) {
        record.answer = '200';
        res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' }).end(refAdvertisement());
        return;
      }
      if (!scripted) {
        record.answer = String(fallback.status);
        return send(res, fallback.status, fallback.body);
      }
      if ('hang' in scripted) {
        record.answer = 'hang';
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if ('hold' in scripted) {
        record.answer = `held:${scripted.hold}`;
        held.push({
          name: scripted.hold,
          respond: () => {
            const status = scripted.status ?? fallback.status;
            record.answer = String(status);
            send(res, status, scripted.status === undefined ? fallback.body : scripted.body);
          },
        });
        return;
      }
      record.answer = String(scripted.status);
      return send(res, scripted.status, scripted.body);
    })().catch((error: unknown) => send(res, 500, { error: String(error) }));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('stand-in did not get a port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const res of hanging) res.destroy();
      for (const h of held) h.respond(503, { error: 'stand-in closing' });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
