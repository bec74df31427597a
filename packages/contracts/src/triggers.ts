/**
 * Triggers (issue 16 item 4): tasks made without typing them, per project. A trigger has a name,
 * a task template (description template, agent type, run now or backlog) and one kind:
 * - `webhook`: `POST /api/triggers/:triggerId/webhook` with the trigger's secret as a bearer token;
 *   the JSON body's fields fill the template's `{{name}}` placeholders;
 * - `schedule`: a cron expression (UTC; five fields, or six with seconds first), one task per slot;
 * - `github_issue`: GitHub's `issues` webhook (`POST /api/triggers/:triggerId/github`, signed with
 *   the trigger's secret, `X-Hub-Signature-256`): a label put on an issue of the project's
 *   repository makes one task per issue, whose result is commented back on the issue.
 * Served by apps/control-plane/src/triggers.
 */
import * as z from 'zod';
import { AgentType } from './agents.js';

export const TriggerKind = z.enum(['webhook', 'schedule', 'github_issue']);
export type TriggerKind = z.infer<typeof TriggerKind>;

/** Longest template, and longest text a webhook field or an issue brings into a description. */
export const MAX_TRIGGER_TEMPLATE_CHARS = 20_000;

/**
 * What a trigger's task looks like. `description` may hold `{{name}}` placeholders: for a webhook
 * its body's fields, for a GitHub issue `{{issue.title}}`, `{{issue.body}}`, `{{issue.url}}`,
 * `{{issue.number}}`, for a schedule `{{slot}}` (the ISO time of the slot). `run: true` starts the
 * task at once; false leaves it in the backlog (draft).
 */
export const TriggerTemplate = z.object({
  description: z.string().trim().min(1, 'description must not be empty').max(MAX_TRIGGER_TEMPLATE_CHARS),
  title: z.string().trim().min(1).max(200).optional(),
  agentType: AgentType.optional(),
  run: z.boolean().default(true),
});
export type TriggerTemplate = z.infer<typeof TriggerTemplate>;

const name = z.string().trim().min(1, 'name must not be empty').max(100);

/** A GitHub label name (GitHub allows up to 50 characters). */
export const GitHubLabelName = z.string().trim().min(1, 'label must not be empty').max(50);

/**
 * `POST /api/projects/:projectId/triggers` body, by kind. A `github_issue` trigger's template is
 * optional: by default the task's description is the title and body with a link.
 */
export const CreateTriggerRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name, template: TriggerTemplate }),
  z.object({ kind: z.literal('schedule'), name, template: TriggerTemplate, cron: z.string().trim().min(1, 'cron must not be empty').max(200) }),
  z.object({ kind: z.literal('github_issue'), name, template: TriggerTemplate.optional(), label: GitHubLabelName }),
]);
export type CreateTriggerRequest = z.infer<typeof CreateTriggerRequest>;

/** `PATCH /api/projects/:projectId/triggers/:triggerId` body: turn a trigger on or off. */
export const UpdateTriggerRequest = z.object({ enabled: z.boolean() });
export type UpdateTriggerRequest = z.infer<typeof UpdateTriggerRequest>;

/** A trigger as the API shows it (never its secret). */
export const Trigger = z.object({
  id: z.string(),
  projectId: z.string(),
  kind: TriggerKind,
  name: z.string(),
  enabled: z.boolean(),
  /** null for a `github_issue` trigger that uses the default description. */
  template: TriggerTemplate.nullable(),
  /** `schedule`: the cron expression (UTC); else null. */
  cron: z.string().nullable(),
  /** `github_issue`: the label that makes a task; else null. */
  label: z.string().nullable(),
  /** `schedule`: the ISO time of the last slot that made a task, or null. */
  lastFiredSlot: z.string().nullable(),
  /** `schedule`: the ISO time of the next slot, or null (disabled, another kind, or none left). */
  nextSlot: z.string().nullable(),
  /** Path of the route that fires it (`webhook`, `github_issue`), relative to the control plane's URL; else null. */
  hookPath: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Trigger = z.infer<typeof Trigger>;

/** Answer to creating a trigger: the trigger, and its secret (`webhook`, `github_issue`) — shown this once only. */
export const CreatedTrigger = z.object({ trigger: Trigger, secret: z.string().nullable() });
export type CreatedTrigger = z.infer<typeof CreatedTrigger>;

/** `GET /api/projects/:projectId/triggers`. */
export const TriggerList = z.object({ triggers: z.array(Trigger) });
export type TriggerList = z.infer<typeof TriggerList>;

/**
 * Body of `POST /api/triggers/:triggerId/webhook` (optional): `description` replaces the
 * template's; any other field (a string, number or boolean) fills the template's `{{field}}`.
 */
export const WebhookTriggerBody = z
  .object({ description: z.string().trim().min(1).max(MAX_TRIGGER_TEMPLATE_CHARS).optional() })
  .catchall(z.union([z.string().max(MAX_TRIGGER_TEMPLATE_CHARS), z.number(), z.boolean()]));
export type WebhookTriggerBody = z.infer<typeof WebhookTriggerBody>;

/**
 * Answer of the webhook routes: the task made (201), or — for a GitHub delivery that makes none
 * (another event or label, a redelivery, an issue that already has its task) — 200 with
 * `taskId` of the earlier task or null, and why.
 */
export const TriggerFired = z.object({ taskId: z.string().nullable(), duplicate: z.boolean(), ignored: z.string().nullable() });
export type TriggerFired = z.infer<typeof TriggerFired>;

/** `POST /api/triggers/sweep` body (local mode): fire the schedules due at `now` (ISO time; default the clock's). */
export const TriggerSweepRequest = z.object({ now: z.iso.datetime().optional() });
export type TriggerSweepRequest = z.infer<typeof TriggerSweepRequest>;

/** Answer of the trigger sweep: the tasks made, and the GitHub comments sent (retried ones too). */
export const TriggerSweepResult = z.object({ fired: z.array(z.object({ triggerId: z.string(), slot: z.string(), taskId: z.string() })), commented: z.number().int() });
export type TriggerSweepResult = z.infer<typeof TriggerSweepResult>;
