/**
 * Handlers of the trigger routes of the public API (contracts `publicApi`): a project's triggers
 * (list, create — answering the secret this once —, turn on or off, delete), the trigger sweep
 * (local mode), and the two routes that fire a trigger from outside: the inbound webhook (its
 * secret as a bearer token) and GitHub's issues webhook (`X-Hub-Signature-256`). Those read their
 * body themselves, up to TRIGGER_WEBHOOK_MAX_BODY_BYTES (413 above it), and refuse an unknown
 * trigger, a turned-off one and a wrong secret alike with 401, so a caller cannot tell which.
 * Creating and deleting a trigger are recorded in the audit log (audit/).
 */
import { githubRepositoryOf, newId, WebhookTriggerBody, type CreateTriggerRequest } from '@flotilla/contracts';
import { badRequest, forbidden, notFound, unauthorized } from '@flotilla/kit';
import { parseWith, readTextCapped, reply } from '@flotilla/kit/hono';
import type { PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { depsFromEnv, type Deps } from '../deps.js';
import { requireProject } from '../projects/projects.js';
import { fireTrigger } from './fire.js';
import { handleGitHubEvent } from './github-issues.js';
import { deleteTriggerRow, getTriggerRow, insertTrigger, listTriggerRows, setTriggerEnabled, templateOf, toTrigger, type NewTrigger, type TriggerRow } from './repository.js';
import { nextSlot, checkCronExpression } from './schedule.js';
import { hashSecret, matchesHash, newTriggerSecret, openTriggerSecret, sealTriggerSecret, validGitHubSignature } from './secrets.js';
import { sweepTriggers } from './sweep.js';
import { taskRequestOf } from './template.js';

/** The one refusal of a webhook call: unknown trigger, turned off, or wrong secret. */
const refused = () => unauthorized('unknown trigger, trigger turned off, or wrong secret');

const shown = (row: TriggerRow) => toTrigger(row, nextSlot(row, new Date())?.toISOString() ?? null);

/** Trigger `triggerId` of project `projectId`. @throws FlotillaError not_found (404) */
async function requireProjectTrigger(db: D1Database, projectId: string, triggerId: string): Promise<TriggerRow> {
  const row = await getTriggerRow(db, triggerId);
  if (!row || row.project_id !== projectId) throw notFound(`trigger ${triggerId} not found in project ${projectId}`);
  return row;
}

/**
 * The row of a new trigger and its secret (null for a schedule).
 * @throws FlotillaError bad_request (400: a cron expression refused, a GitHub trigger on a project not on github.com), unavailable (503: no encryption key for a GitHub trigger's secret)
 */
async function newTrigger(deps: Deps, projectId: string, repoUrl: string, input: CreateTriggerRequest): Promise<{ row: NewTrigger; secret: string | null }> {
  const id = newId('trg');
  const base = { id, projectId, kind: input.kind, name: input.name, cron: null, label: null, secretHash: null, sealedSecret: null };
  if (input.kind === 'schedule') {
    checkCronExpression(input.cron, deps.config.TRIGGER_SCHEDULE_MIN_INTERVAL_MS);
    return { row: { ...base, template: input.template, cron: input.cron }, secret: null };
  }
  const secret = newTriggerSecret();
  if (input.kind === 'webhook') return { row: { ...base, template: input.template, secretHash: await hashSecret(secret) }, secret };
  if (!githubRepositoryOf({ repoUrl })) throw badRequest(`the project's repository (${repoUrl}) is not on github.com: a GitHub issue trigger needs one`);
  return { row: { ...base, template: input.template ?? null, label: input.label, sealedSecret: await sealTriggerSecret(deps, id, secret) }, secret };
}

/** The bearer token of a request, or ''. */
const bearerOf = (header: string | undefined) => /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '')?.[1]?.trim() ?? '';

/** The body read as JSON ({} when empty). @throws FlotillaError bad_request (400) when it is not JSON */
function jsonOf(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('request body is not valid JSON');
  }
}

export const triggerHandlers: PublicHandlers<'listTriggers' | 'createTrigger' | 'updateTrigger' | 'deleteTrigger' | 'sweepTriggers' | 'fireWebhookTrigger' | 'fireGitHubTrigger'> = {
  listTriggers: async ({ params }, c) => {
    await requireProject(c.env.DB, params.projectId);
    return { triggers: (await listTriggerRows(c.env.DB, params.projectId)).map(shown) };
  },

  /** Create a trigger (201 with it and its secret, shown this once). */
  createTrigger: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const project = await requireProject(deps.db, params.projectId);
    const { row, secret } = await newTrigger(deps, project.id, project.repoUrl, body);
    const written = await insertTrigger(deps.db, row);
    if (written.kind === 'schedule') await deps.stubs.triggerRunner().rearm();
    deps.log.child({ component: 'triggers' }).info('trigger created', { triggerId: written.id, projectId: project.id, kind: written.kind });
    await recordFromRoute(c, { projectId: project.id, action: 'trigger.created', target: { kind: 'trigger', id: written.id }, detail: { name: written.name, kind: written.kind } });
    return { trigger: shown(written), secret };
  },

  /** Turn a trigger on or off; a schedule turned on counts its slots from now. */
  updateTrigger: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    await requireProjectTrigger(deps.db, params.projectId, params.triggerId);
    const written = await setTriggerEnabled(deps.db, params.triggerId, body.enabled);
    if (!written) throw notFound(`trigger ${params.triggerId} not found in project ${params.projectId}`);
    if (written.kind === 'schedule') await deps.stubs.triggerRunner().rearm();
    return shown(written);
  },

  deleteTrigger: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await requireProjectTrigger(deps.db, params.projectId, params.triggerId);
    await deleteTriggerRow(deps.db, row.id);
    if (row.kind === 'schedule') await deps.stubs.triggerRunner().rearm();
    await recordFromRoute(c, { projectId: row.project_id, action: 'trigger.deleted', target: { kind: 'trigger', id: row.id }, detail: { name: row.name, kind: row.kind } });
    return null;
  },

  /** Fire the schedule slots due at `now` (default: the clock's) and retry owed comments; 403 outside local mode. */
  sweepTriggers: async ({ body }, c) => {
    const deps = depsFromEnv(c.env);
    if (!deps.config.isLocalMode) throw forbidden('the trigger sweep runs on its alarm and cron in deployed mode');
    return sweepTriggers(deps, body.now ? new Date(body.now) : new Date());
  },

  /** An inbound webhook call: `Authorization: Bearer <secret>`, an optional JSON body filling the template; 201 with the task's id. */
  fireWebhookTrigger: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await getTriggerRow(deps.db, params.triggerId);
    // Hash the presented secret even for an unknown trigger: every refusal takes the same work.
    const matches = await matchesHash(bearerOf(c.req.header('authorization')), row?.secret_hash ?? '0'.repeat(64));
    if (!row || row.kind !== 'webhook' || row.enabled !== 1 || !matches) throw refused();
    const body = parseWith(WebhookTriggerBody, jsonOf(await readTextCapped(c.req.raw, deps.config.TRIGGER_WEBHOOK_MAX_BODY_BYTES)));
    const template = templateOf(row);
    if (!template) throw refused();
    const task = await fireTrigger(deps, row, taskRequestOf(template, body, body.description));
    return { taskId: task.id, duplicate: false, ignored: null };
  },

  /**
   * GitHub's webhook: the body's HMAC-SHA256 with the trigger's secret must be `X-Hub-Signature-256`.
   * 201 with the task made; 200 with the earlier task (a redelivery, or the task exists) or why none is made.
   */
  fireGitHubTrigger: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const text = await readTextCapped(c.req.raw, deps.config.TRIGGER_WEBHOOK_MAX_BODY_BYTES);
    const row = await getTriggerRow(deps.db, params.triggerId);
    const sealed = row?.secret_ciphertext && row.secret_iv ? { ciphertext: row.secret_ciphertext, iv: row.secret_iv } : null;
    if (!row || row.kind !== 'github_issue' || row.enabled !== 1 || !sealed) throw refused();
    const secret = await openTriggerSecret(deps, row.id, sealed);
    if (!(await validGitHubSignature(secret, new TextEncoder().encode(text), c.req.header('x-hub-signature-256') ?? null))) throw refused();
    const result = await handleGitHubEvent(deps, row, c.req.header('x-github-event') ?? '', c.req.header('x-github-delivery'), jsonOf(text));
    return result.taskId && !result.duplicate ? result : reply(result, 200);
  },
};
