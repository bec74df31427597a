/**
 * One audit event in plain words — "local ran task “Fix the parser”", "local set the Claude Code
 * API key" — as the web app's audit log and `flotilla audit` show it (contracts audit.ts).
 */
import type { AuditDetailValue, AuditEvent } from './audit.js';

/** Plain names of the project settings an update may change (contracts settings.ts UpdateProjectRequest). */
const SETTING_WORDS: Record<string, string> = {
  name: 'name',
  defaultBranch: 'default branch',
  defaultAgentType: 'default agent',
  defaultVmSize: 'default VM size',
  defaultProvider: 'default provider',
  egressAllowlist: 'network allowlist',
  dailyBudget: 'daily budget',
  hotAgents: 'hot agents',
};

const text = (value: AuditDetailValue | undefined): string | null => (typeof value === 'string' && value !== '' ? value : null);

const quoted = (value: AuditDetailValue | undefined, fallback: string): string => {
  const t = text(value);
  return t === null ? fallback : `“${t}”`;
};

/** What a credential event was about: "the Claude Code API key", "the hetzner token", "the token for github.com". */
function credentialWords(detail: AuditEvent['detail']): string {
  const name = text(detail.name) ?? 'unknown';
  const label = text(detail.label) ?? name;
  const secret = text(detail.secret);
  if (detail.kind === 'agent') return `the ${label} ${secret ?? 'credential'}`;
  if (detail.kind === 'git') return `the repository token for ${name}`;
  if (detail.kind === 'cloud') return `the ${label} cloud token`;
  return `the ${label} credential`;
}

/** The settings an update changed, in plain words, or null when it did not say. */
function settingWords(value: AuditDetailValue | undefined): string | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.map((name) => SETTING_WORDS[name] ?? name).join(', ');
}

/** How someone signed in, in words: the API token (the default), GitHub, or OpenID Connect. */
function signInMethodWords(method: AuditDetailValue | undefined): string {
  if (method === 'github') return 'GitHub';
  if (method === 'oidc') return 'OpenID Connect';
  return 'the API token';
}

/** What the actor did (the sentence without its subject). */
function predicate(event: AuditEvent): string {
  const { detail, targetId } = event;
  const task = quoted(detail.title, targetId);
  const from = text(detail.ip) ? ` from ${text(detail.ip)}` : '';
  switch (event.action) {
    case 'task.created':
      return `created task ${task}`;
    case 'task.run':
      return detail.retry === true ? `ran task ${task} again` : `ran task ${task}`;
    case 'task.cancelled':
      return `cancelled task ${task}`;
    case 'task.resumed':
      return `resumed task ${task} with a follow-up`;
    case 'task.deleted':
      return `deleted task ${task}`;
    case 'project.created':
      return `created project ${quoted(detail.name, targetId)}`;
    case 'project.updated': {
      const settings = settingWords(detail.settings);
      return settings ? `changed the project's ${settings}` : "changed the project's settings";
    }
    case 'project.deleted':
      return `deleted project ${quoted(detail.name, targetId)}`;
    case 'credential.set':
      return `set ${credentialWords(detail)}`;
    case 'credential.deleted':
      return `deleted ${credentialWords(detail)}`;
    case 'node.destroyed':
      return `destroyed node ${targetId}`;
    case 'workspace.deleted':
      return `deleted workspace ${targetId}`;
    case 'trigger.created':
      return `created the ${text(detail.kind) ?? ''} trigger ${quoted(detail.name, targetId)}`.replace('the  trigger', 'the trigger');
    case 'trigger.deleted':
      return `deleted the trigger ${quoted(detail.name, targetId)}`;
    case 'webhook.created':
      return `added a webhook to ${text(detail.host) ?? targetId}`;
    case 'webhook.deleted':
      return `removed the webhook to ${text(detail.host) ?? targetId}`;
    case 'sign_in.succeeded':
      return `signed in with ${signInMethodWords(detail.method)}${from}`;
    case 'sign_in.refused':
      return detail.method === undefined || detail.method === 'api-token'
        ? `was refused sign-in (wrong API token)${from}`
        : `was refused sign-in with ${signInMethodWords(detail.method)} (${text(detail.reason) ?? 'refused'})${from}`;
    case 'token.created':
      return `created the API token ${quoted(detail.name, targetId)}`;
    case 'token.revoked':
      return `revoked the API token ${quoted(detail.name, targetId)}`;
    case 'user.approved':
      return `approved user ${text(detail.login) ?? targetId}`;
    case 'member.added':
      return `added ${text(detail.login) ?? targetId} as ${text(detail.role) ?? 'member'}`;
    case 'member.invited':
      return `invited ${text(detail.invitee) ?? targetId} as ${text(detail.role) ?? 'member'}`;
    case 'member.role_changed':
      return `made ${text(detail.login) ?? targetId} ${text(detail.role) ?? 'a member'}`;
    case 'member.removed':
      return `removed ${text(detail.login) ?? targetId} from the project`;
    case 'invite.cancelled':
      return `withdrew the invite of ${text(detail.invitee) ?? targetId}`;
    case 'project.ownership_transferred':
      return `made ${text(detail.login) ?? targetId} the project's owner`;
  }
}

/** The event as one sentence: who, then what ("someone" when nobody is known, e.g. a refused sign-in). */
export function auditSentence(event: AuditEvent): string {
  return `${event.actorName ?? event.actorUserId ?? 'someone'} ${predicate(event)}`;
}
