/**
 * GitHub issue triggers: GitHub's `issues` webhook event
 * (https://docs.github.com/en/webhooks/webhook-events-and-payloads#issues), already checked for
 * its signature, turned into a task. Only action `labeled` with the trigger's label on an issue of
 * the project's repository makes one; one per issue (a redelivery — the same `X-GitHub-Delivery`
 * — or the label put on again answers the task made before). The task's description is the
 * trigger's template filled with the issue, or by default the issue's title and body with a link.
 */
import { CreateTaskRequest, githubRepositoryOf, type TriggerFired } from '@flotilla/contracts';
import { badRequest } from '@flotilla/kit';
import { parseWith } from '@flotilla/kit/hono';
import * as z from 'zod';
import type { Deps } from '../deps.js';
import { requireProject } from '../projects/projects.js';
import { fireTriggerOnce } from './fire.js';
import { templateOf, type TriggerRow } from './repository.js';
import { taskRequestOf } from './template.js';

/** The part of an `issues` event payload read here; GitHub sends much more. */
export const IssuesEvent = z.object({
  action: z.string(),
  issue: z.object({ number: z.number().int().positive(), title: z.string(), body: z.string().nullable().optional(), html_url: z.string() }),
  label: z.object({ name: z.string() }).optional(),
  repository: z.object({ full_name: z.string() }),
});
export type IssuesEvent = z.infer<typeof IssuesEvent>;

/** The default description of an issue's task. */
function issueDescription(event: IssuesEvent): string {
  const body = event.issue.body?.trim();
  return [`${event.issue.title}`, '', body || '(the issue has no description)', '', `GitHub issue: ${event.issue.html_url}`].join('\n');
}

const ignored = (reason: string): TriggerFired => ({ taskId: null, duplicate: false, ignored: reason });

/**
 * Make the task of a GitHub event for `trigger` (its signature already checked).
 * @param eventName `X-GitHub-Event`
 * @param deliveryId `X-GitHub-Delivery`
 * @param payload the body, parsed as JSON
 * @returns the task made (`ignored: null`), the one made before (`duplicate`), or why none
 * @throws FlotillaError bad_request (400) when an `issues` event's payload is not one
 */
export async function handleGitHubEvent(deps: Pick<Deps, 'db' | 'stubs' | 'log'>, trigger: TriggerRow, eventName: string, deliveryId: string | undefined, payload: unknown): Promise<TriggerFired> {
  if (eventName === 'ping') return ignored('ping: the webhook is set up');
  if (eventName !== 'issues') return ignored(`event ${eventName || '(none)'} makes no task; send the issues event`);
  const parsed = IssuesEvent.safeParse(payload);
  if (!parsed.success) throw badRequest('not an issues event payload', parsed.error.issues);
  const event = parsed.data;
  if (event.action !== 'labeled') return ignored(`action ${event.action} makes no task`);
  if (event.label?.name.toLowerCase() !== (trigger.label ?? '').toLowerCase()) return ignored(`label ${event.label?.name ?? '(none)'} is not ${trigger.label ?? ''}`);
  const project = await requireProject(deps.db, trigger.project_id);
  const repository = event.repository.full_name.toLowerCase();
  if (githubRepositoryOf(project) !== repository) return ignored(`${event.repository.full_name} is not the project's repository`);
  const template = templateOf(trigger);
  const values = { 'issue.title': event.issue.title, 'issue.body': event.issue.body ?? '', 'issue.url': event.issue.html_url, 'issue.number': event.issue.number };
  const request = template
    ? taskRequestOf(template, values)
    : parseWith(CreateTaskRequest, { description: issueDescription(event), title: `#${event.issue.number} ${event.issue.title}`.slice(0, 200), run: true });
  const claim = { triggerId: trigger.id, fireKey: `issue:${repository}#${event.issue.number}`, deliveryId, issueRepository: event.repository.full_name, issueNumber: event.issue.number };
  const firing = await fireTriggerOnce(deps, trigger, claim, request, true);
  return firing.made ? { taskId: firing.task.id, duplicate: false, ignored: null } : { taskId: firing.taskId, duplicate: true, ignored: null };
}
