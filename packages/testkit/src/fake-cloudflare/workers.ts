/**
 * Fake Cloudflare Workers + D1 API (test-only) for what wrangler 4 sends on `d1 list`,
 * `d1 create`, `d1 migrations apply --remote`, `secret list`, `secret bulk` and `deploy` with
 * static assets and cron triggers — point wrangler at it with
 * `CLOUDFLARE_API_BASE_URL=<url>` (its base, `/client/v4` included). Envelopes, paths and error
 * codes follow Cloudflare's API v4 reference: `{success, errors, messages, result}`, 403 code
 * 10000 for a bad token, 404 code 10007 for an unknown Worker, 7502 for a duplicate database.
 * Static assets follow the Workers assets upload protocol (upload session with the manifest →
 * buckets of hashes to send → base64 multipart upload with the session's JWT → completion JWT in
 * the script's metadata). Every request is recorded (secret values never); anything the fake does
 * not know answers 404 code 7003 and is recorded too, so a test sees it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeD1 } from './d1.js';

export interface FakeWorkersRequest {
  method: string;
  /** Path without the query, e.g. `/client/v4/accounts/<id>/d1/database`. */
  path: string;
  query: Record<string, string>;
  /** Whether it carried an accepted API token (or, for asset uploads, the session JWT). */
  authorized: boolean;
  /** JSON body; for multipart bodies the form's field names. Secret values are never kept. */
  body: unknown;
  /** Answered with a 404 because the fake does not know the route. */
  unknown?: true;
}

/** A Worker script as last uploaded. */
export interface FakeWorkerScript {
  name: string;
  /** The upload's `metadata` part, its secret bindings without their values. */
  metadata: Record<string, unknown>;
  /** Module names and their sizes in bytes (the main module included). */
  modules: Record<string, number>;
  /** Asset path → content hash, of the assets the upload's completion JWT stands for. */
  assets: Record<string, string>;
  crons: string[];
  /** Secret name → value (for assertions; never recorded in `requests`). */
  secrets: Map<string, string>;
  /** The Durable Object migration tag its last upload reached (metadata.migrations.new_tag), if any. */
  migrationTag?: string;
  /** The id of its last uploaded version. */
  versionId?: string;
  /** How many times the script itself was uploaded (PUT), drafts from `secret bulk` included. */
  uploads: number;
}

export interface FakeWorkersApi {
  /** The API base wrangler takes as CLOUDFLARE_API_BASE_URL (ends in `/client/v4`). */
  url: string;
  accountId: string;
  token: string;
  /** The account's workers.dev subdomain: a Worker's URL is `https://<name>.<subdomain>.workers.dev`. */
  subdomain: string;
  requests: FakeWorkersRequest[];
  d1: FakeD1;
  scripts: Map<string, FakeWorkerScript>;
  close(): Promise<void>;
}

export interface FakeWorkersApiOptions {
  accountId?: string;
  token?: string;
  subdomain?: string;
}

const envelope = (result: unknown, extra: Record<string, unknown> = {}) => ({ success: true, errors: [], messages: [], result, ...extra });
const failure = (code: number, message: string) => ({ success: false, errors: [{ code, message }], messages: [], result: null });

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
const ok = (result: unknown, extra?: Record<string, unknown>) => new HttpAnswer(200, envelope(result, extra));
const fail = (status: number, code: number, message: string) => new HttpAnswer(status, failure(code, message));

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A multipart body as a FormData (parsed by Node's own fetch Request). */
async function formOf(req: IncomingMessage, raw: Buffer): Promise<FormData> {
  return new Request('http://fake', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: raw }).formData();
}

/** Bindings with any secret `text` removed (what the fake records): `set: true` marks a secret given a value. */
const withoutSecretValues = (bindings: unknown): unknown =>
  Array.isArray(bindings)
    ? bindings.map((b: Record<string, unknown>) => (b.type === 'secret_text' ? { type: b.type, name: b.name, ...(typeof b.text === 'string' ? { set: true } : {}) } : b))
    : bindings;

/** Start the fake on 127.0.0.1 at a free port. */
export async function startFakeWorkersApi(options: FakeWorkersApiOptions = {}): Promise<FakeWorkersApi> {
  const accountId = options.accountId ?? randomBytes(16).toString('hex');
  const token = options.token ?? 'test-cloudflare-token';
  const subdomain = options.subdomain ?? 'test-team';
  const requests: FakeWorkersRequest[] = [];
  const d1 = new FakeD1();
  const scripts = new Map<string, FakeWorkerScript>();
  /** Assets uploaded to the account: hash → size; sessions: JWT → the manifest it was opened for. */
  const uploadedAssets = new Map<string, number>();
  const sessions = new Map<string, Record<string, { hash: string; size: number }>>();
  const completions = new Map<string, Record<string, string>>();

  const scriptOf = (name: string): FakeWorkerScript => {
    let script = scripts.get(name);
    if (!script) {
      script = { name, metadata: {}, modules: {}, assets: {}, crons: [], secrets: new Map(), uploads: 0 };
      scripts.set(name, script);
    }
    return script;
  };
  const notFound = (name: string) => fail(404, 10007, `This Worker does not exist on your account. [code: 10007] (${name})`);

  async function uploadScript(name: string, form: FormData, record: FakeWorkersRequest): Promise<HttpAnswer> {
    const metadata = JSON.parse(String(form.get('metadata') ?? '{}')) as Record<string, unknown>;
    const script = scriptOf(name);
    const modules: Record<string, number> = {};
    for (const [field, value] of form.entries()) if (field !== 'metadata' && typeof value !== 'string') modules[field] = value.size;
    const bindings = Array.isArray(metadata.bindings) ? (metadata.bindings as Array<Record<string, unknown>>) : [];
    // A Worker's secrets outlive its uploads (Cloudflare keeps them until deleted); the upload's own win.
    const kept = new Map(script.secrets);
    for (const b of bindings) if (b.type === 'secret_text' && typeof b.name === 'string' && typeof b.text === 'string') kept.set(b.name, b.text);
    script.secrets = kept;
    const assetsJwt = (metadata.assets as { jwt?: string } | undefined)?.jwt;
    if (assetsJwt) {
      const assets = completions.get(assetsJwt);
      if (!assets) return fail(400, 10210, 'The assets completion token is unknown or expired');
      script.assets = assets;
    }
    const migrations = metadata.migrations as { new_tag?: string } | undefined;
    if (migrations?.new_tag) script.migrationTag = migrations.new_tag;
    script.metadata = { ...metadata, bindings: withoutSecretValues(metadata.bindings) };
    script.modules = modules;
    script.uploads += 1;
    record.body = { fields: [...new Set(form.keys())], metadata: script.metadata };
    const versionId = randomBytes(16).toString('hex');
    script.versionId = versionId;
    return ok({ id: name, deployment_id: versionId, etag: randomBytes(8).toString('hex'), startup_time_ms: 1, has_assets: Boolean(assetsJwt), has_modules: true });
  }

  async function route(req: IncomingMessage, url: URL, raw: Buffer, record: FakeWorkersRequest): Promise<HttpAnswer> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const json = (): Record<string, unknown> => (raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {});

    const upload = path === `/client/v4/accounts/${accountId}/workers/assets/upload`;
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    record.authorized = upload ? sessions.has(bearer) : bearer === token;
    if (!record.authorized) return fail(403, 10000, 'Authentication error');

    if (upload && method === 'POST') {
      const form = await formOf(req, raw);
      const manifest = sessions.get(bearer) ?? {};
      for (const [hash, file] of form.entries()) if (typeof file !== 'string') uploadedAssets.set(hash, file.size);
      record.body = { fields: [...form.keys()] };
      const completion = randomBytes(12).toString('hex');
      completions.set(completion, Object.fromEntries(Object.entries(manifest).map(([p, entry]) => [p, entry.hash])));
      return new HttpAnswer(201, envelope({ jwt: completion }));
    }

    const prefix = `/client/v4/accounts/${accountId}`;
    if (!path.startsWith(`${prefix}/`)) return fail(404, 7003, `Could not route to ${path}`);
    const rest = path.slice(prefix.length);
    let m: RegExpMatchArray | null;

    if (rest === '/d1/database' && method === 'GET') {
      const all = [...d1.databases.values()].map((db) => db.info).filter((db) => !url.searchParams.get('name') || db.name.includes(url.searchParams.get('name') ?? ''));
      const perPage = Number(url.searchParams.get('per_page') ?? '100');
      const page = Number(url.searchParams.get('page') ?? '1');
      return ok(all.slice((page - 1) * perPage, page * perPage), { result_info: { page, per_page: perPage, count: all.length, total_count: all.length } });
    }
    if (rest === '/d1/database' && method === 'POST') {
      const body = json();
      record.body = body;
      const created = typeof body.name === 'string' ? d1.create(body.name) : null;
      return created ? ok(created) : fail(400, 7502, 'A database with that name already exists');
    }
    if ((m = rest.match(/^\/d1\/database\/([^/]+)$/)) && method === 'GET') {
      const db = d1.databases.get(m[1] ?? '') ?? [...d1.databases.values()].find((d) => d.info.name === m?.[1]);
      return db ? ok({ ...db.info, num_tables: d1.tables(db.info.uuid).length, file_size: 0 }) : fail(404, 7404, 'The database could not be found');
    }
    if ((m = rest.match(/^\/d1\/database\/([^/]+)\/query$/)) && method === 'POST') {
      const body = json();
      record.body = { sql: body.sql };
      if (!d1.databases.has(m[1] ?? '')) return fail(404, 7404, 'The database could not be found');
      try {
        return ok(d1.query(m[1] ?? '', String(body.sql ?? ''), Array.isArray(body.params) ? body.params : []));
      } catch (error) {
        return fail(400, 7500, `${error instanceof Error ? error.message : String(error)}: SQLITE_ERROR`);
      }
    }
    if (rest === '/workers/subdomain' && method === 'GET') return ok({ subdomain });
    if (rest === '/workers/scripts' && method === 'GET') {
      return ok([...scripts.values()].map((s) => ({ id: s.name, migration_tag: s.migrationTag, created_on: new Date().toISOString(), modified_on: new Date().toISOString() })));
    }

    if (!(m = rest.match(/^\/workers\/(?:scripts|services)\/([^/]+)(\/.*)?$/))) return fail(404, 7003, `Could not route to ${path}`);
    const name = m[1] ?? '';
    const sub = m[2] ?? '';
    const script = scripts.get(name);

    if (sub === '' && method === 'PUT') return uploadScript(name, await formOf(req, raw), record);
    if (!script) return notFound(name);
    if (rest.startsWith('/workers/services/') && sub === '' && method === 'GET') {
      return ok({ id: name, default_environment: { environment: 'production', script: { id: name, last_deployed_from: 'wrangler', tag: name } } });
    }
    if (sub === '/secrets' && method === 'GET') return ok([...script.secrets.keys()].map((secret) => ({ name: secret, type: 'secret_text' })));
    if (sub === '/settings' && method === 'GET') {
      const bindings = Array.isArray(script.metadata.bindings) ? (script.metadata.bindings as Array<Record<string, unknown>>).filter((b) => b.type !== 'secret_text') : [];
      return ok({ bindings: [...bindings, ...[...script.secrets.keys()].map((secret) => ({ type: 'secret_text', name: secret }))] });
    }
    if (sub === '/settings' && method === 'PATCH') {
      const settings = JSON.parse(String((await formOf(req, raw)).get('settings') ?? '{}')) as { bindings?: Array<Record<string, unknown>> };
      const bindings = settings.bindings ?? [];
      const keptNames = new Set(bindings.filter((b) => b.type === 'secret_text' && b.text === undefined).map((b) => String(b.name)));
      const secrets = new Map([...script.secrets].filter(([secret]) => keptNames.has(secret)));
      for (const b of bindings) if (b.type === 'secret_text' && typeof b.text === 'string') secrets.set(String(b.name), b.text);
      script.secrets = secrets;
      record.body = { bindings: withoutSecretValues(bindings) };
      return ok({ bindings: withoutSecretValues(bindings) });
    }
    if (sub === '/assets-upload-session' && method === 'POST') {
      const manifest = (json().manifest ?? {}) as Record<string, { hash: string; size: number }>;
      record.body = { manifest };
      const jwt = randomBytes(12).toString('hex');
      sessions.set(jwt, manifest);
      const missing = [...new Set(Object.values(manifest).map((entry) => entry.hash))].filter((hash) => !uploadedAssets.has(hash));
      if (missing.length === 0) completions.set(jwt, Object.fromEntries(Object.entries(manifest).map(([p, entry]) => [p, entry.hash])));
      return ok({ jwt, buckets: missing.length ? [missing] : [] });
    }
    if (sub === '/schedules' && method === 'PUT') {
      const body = JSON.parse(raw.toString('utf8') || '[]') as Array<{ cron: string }>;
      record.body = body;
      script.crons = body.map((entry) => entry.cron);
      return ok({ schedules: body.map((entry) => ({ cron: entry.cron, created_on: new Date().toISOString(), modified_on: new Date().toISOString() })) });
    }
    // An existing Worker gets a new version (same form as a script upload, applied at once here) and a deployment of it.
    if (sub === '/versions' && method === 'POST') {
      const answer = await uploadScript(name, await formOf(req, raw), record);
      return answer.status === 200 ? ok({ id: script.versionId, number: script.uploads, resources: { script: { etag: randomBytes(8).toString('hex') } }, startup_time_ms: 1 }) : answer;
    }
    if (sub === '/deployments' && method === 'POST') {
      const body = json();
      record.body = body;
      return ok({ id: randomUUID(), source: 'wrangler', strategy: 'percentage', created_on: new Date().toISOString(), ...body });
    }
    if (sub === '/deployments' && method === 'GET') {
      const created_on = new Date().toISOString();
      return ok({ deployments: [{ id: `deployment-${script.uploads}`, source: 'wrangler', strategy: 'percentage', created_on, versions: [{ version_id: script.versionId, percentage: 100 }] }] });
    }
    if (sub === '/script-settings' && method === 'PATCH') {
      record.body = json();
      return ok(record.body);
    }
    if (sub === '/schedules' && method === 'GET') return ok({ schedules: script.crons.map((cron) => ({ cron })) });
    if (sub === '/subdomain' && method === 'GET') return ok({ enabled: true, previews_enabled: true });
    if (sub === '/subdomain' && method === 'POST') {
      record.body = json();
      return ok({ enabled: true, previews_enabled: true });
    }
    return fail(404, 7003, `Could not route to ${path}`);
  }

  const server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake-cloudflare');
    const record: FakeWorkersRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), authorized: false, body: undefined };
    requests.push(record);
    readRaw(req)
      .then((raw) => route(req, url, raw, record))
      .catch((error: unknown) => fail(500, 10013, error instanceof Error ? error.message : String(error)))
      .then((answer) => {
        if (answer.status === 404 && (answer.body as { errors: Array<{ code: number }> }).errors[0]?.code === 7003) record.unknown = true;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    accountId,
    token,
    subdomain,
    requests,
    d1,
    scripts,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      d1.close();
    },
  };
}
