/**
 * Fake Cloudflare DNS API (test-only), following the request and response shapes of Cloudflare's
 * API v4 reference ("DNS Records for a Zone") for the calls Flotilla makes:
 * `GET /client/v4/zones/{zone_id}/dns_records` (type, name.exact, comment.startswith, page,
 * per_page), `POST …/dns_records`, `PUT …/dns_records/{id}`, `DELETE …/dns_records/{id}`.
 * Bearer-token auth (403 with error 10000), the envelope `{success, errors, messages, result,
 * result_info}`, 404 code 7003 for an unknown zone and 81044 for an unknown record, 400 code
 * 81057 for an identical record. Every request is recorded; failures can be scripted
 * (`failNext`), e.g. a 429.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody, readBody } from '../fake-anthropic/http-util.js';

export interface FakeCloudflareRequest {
  method: string;
  /** Path without the query, e.g. `/client/v4/zones/<id>/dns_records`. */
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  body: unknown;
}

export interface FakeDnsRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  proxied: boolean;
  ttl: number;
  comment: string | null;
  created_on: string;
  modified_on: string;
}

export interface FakeCloudflareFailure {
  method?: string;
  /** Regex the path must match (default: any). */
  path?: string;
  status: number;
  code: number;
  message?: string;
  headers?: Record<string, string>;
}

export interface FakeCloudflare {
  /** Base URL including `/client/v4`, what the DNS client takes as its API URL. */
  url: string;
  /** The one zone this fake holds (32 hex digits). */
  zoneId: string;
  requests: FakeCloudflareRequest[];
  records(): FakeDnsRecord[];
  /** Add a record directly (e.g. one left behind by a lost delete). */
  addRecord(record: Partial<FakeDnsRecord> & Pick<FakeDnsRecord, 'name' | 'content'>): FakeDnsRecord;
  /** The next `count` matching requests fail with `failure`. */
  failNext(count: number, failure: FakeCloudflareFailure): void;
  close(): Promise<void>;
}

export interface FakeCloudflareOptions {
  /** Accepted API tokens (default `['test-cloudflare-token']`). */
  tokens?: string[];
  /** The zone's name (default `example.com`); record names must be inside it. */
  zoneName?: string;
}

const envelope = (result: unknown, extra: Record<string, unknown> = {}) => ({ success: true, errors: [], messages: [], result, ...extra });
const failure = (code: number, message: string) => ({ success: false, errors: [{ code, message }], messages: [], result: null });

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export async function startFakeCloudflare(options: FakeCloudflareOptions = {}): Promise<FakeCloudflare> {
  const tokens = new Set(options.tokens ?? ['test-cloudflare-token']);
  const zoneName = options.zoneName ?? 'example.com';
  const zoneId = randomBytes(16).toString('hex');
  const requests: FakeCloudflareRequest[] = [];
  const records = new Map<string, FakeDnsRecord>();
  const failures: Array<{ left: number; failure: FakeCloudflareFailure }> = [];

  function addRecord(input: Partial<FakeDnsRecord> & Pick<FakeDnsRecord, 'name' | 'content'>): FakeDnsRecord {
    const now = new Date().toISOString();
    const record: FakeDnsRecord = { id: randomBytes(16).toString('hex'), type: 'A', proxied: false, ttl: 1, comment: null, created_on: now, modified_on: now, ...input };
    records.set(record.id, record);
    return record;
  }

  /** Checks a create/overwrite body; answers the error to send, or the fields. */
  function recordFields(body: unknown): { error: [number, number, string] } | { fields: Omit<FakeDnsRecord, 'id' | 'created_on' | 'modified_on'> } {
    const input = (body ?? {}) as Record<string, unknown>;
    if (input.type !== 'A') return { error: [400, 9004, 'This record type is not supported by this fake: A only'] };
    const name = typeof input.name === 'string' ? input.name.toLowerCase() : '';
    if (name !== zoneName && !name.endsWith(`.${zoneName}`)) return { error: [400, 9007, `Content for A record is invalid: name ${name} is outside zone ${zoneName}`] };
    const content = typeof input.content === 'string' ? input.content : '';
    if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(content)) return { error: [400, 9005, 'Content for A record must be a valid IPv4 address.'] };
    const proxied = input.proxied === true;
    const ttl = typeof input.ttl === 'number' ? input.ttl : 1;
    if (proxied && ttl !== 1) return { error: [400, 9009, 'Proxied records must have TTL 1 (automatic)'] };
    const comment = typeof input.comment === 'string' ? input.comment : null;
    return { fields: { type: 'A', name, content, proxied, ttl, comment } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-cloudflare');
    const body = parseBody(await readBody(req)) ?? null;
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization ?? null, body });

    const scripted = failures.find((f) => f.left > 0 && (!f.failure.method || f.failure.method === method) && (!f.failure.path || new RegExp(f.failure.path).test(url.pathname)));
    if (scripted) {
      scripted.left -= 1;
      const { status, code, message, headers } = scripted.failure;
      return send(res, status, failure(code, message ?? `scripted ${code}`), headers);
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!tokens.has(token)) return send(res, 403, failure(10000, 'Authentication error'));

    const route = url.pathname.match(/^\/client\/v4\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/);
    if (!route || route[1] !== zoneId) return send(res, 404, failure(7003, `Could not route to ${url.pathname}, perhaps your object identifier is invalid?`));
    const recordId = route[2];

    if (!recordId && method === 'GET') {
      const q = url.searchParams;
      const lower = (key: string) => q.get(key)?.toLowerCase() ?? null;
      const [type, nameExact, commentPrefix] = [q.get('type'), lower('name.exact'), lower('comment.startswith')];
      const all = [...records.values()].filter(
        (r) => (!type || r.type === type) && (!nameExact || r.name === nameExact) && (!commentPrefix || (r.comment ?? '').toLowerCase().startsWith(commentPrefix)),
      );
      const perPage = Math.min(5000, Number(q.get('per_page') ?? '100'));
      const page = Math.max(1, Number(q.get('page') ?? '1'));
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const info = { page, per_page: perPage, count: slice.length, total_count: all.length, total_pages: Math.max(1, Math.ceil(all.length / perPage)) };
      return send(res, 200, envelope(slice, { result_info: info }));
    }
    if (!recordId && method === 'POST') {
      const checked = recordFields(body);
      if ('error' in checked) return send(res, checked.error[0], failure(checked.error[1], checked.error[2]));
      const { fields } = checked;
      if ([...records.values()].some((r) => r.type === fields.type && r.name === fields.name && r.content === fields.content)) {
        return send(res, 400, failure(81057, 'Record already exists.'));
      }
      return send(res, 200, envelope(addRecord(fields)));
    }
    const existing = recordId ? records.get(recordId) : undefined;
    if (recordId && !existing) return send(res, 404, failure(81044, 'Record does not exist.'));
    if (existing && method === 'GET') return send(res, 200, envelope(existing));
    if (existing && method === 'PUT') {
      const checked = recordFields(body);
      if ('error' in checked) return send(res, checked.error[0], failure(checked.error[1], checked.error[2]));
      Object.assign(existing, checked.fields, { modified_on: new Date().toISOString() });
      return send(res, 200, envelope(existing));
    }
    if (existing && method === 'DELETE') {
      records.delete(existing.id);
      return send(res, 200, envelope({ id: existing.id }));
    }
    return send(res, 405, failure(10405, `Method ${method} not allowed`));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, failure(10001, e instanceof Error ? e.message : String(e))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    zoneId,
    requests,
    records: () => [...records.values()],
    addRecord,
    failNext(count, f) {
      failures.push({ left: count, failure: f });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
