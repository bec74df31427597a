/** The audit log's events in plain words (audit-sentence.ts), as the web app and the CLI show them. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit.js';
import { auditSentence } from './audit-sentence.js';

const base: AuditEvent = { id: 'aud_1', projectId: 'prj_1', actorUserId: 'local', actorTokenId: null, actorName: null, action: 'task.created', targetKind: 'task', targetId: 'tsk_1', detail: {}, at: 0 };
const say = (event: Partial<AuditEvent>) => auditSentence({ ...base, ...event });

describe('auditSentence', () => {
  it('names tasks by their title, and by id when it is missing', () => {
    expect(say({ action: 'task.run', detail: { title: 'Fix the parser', retry: false } })).toBe('local ran task “Fix the parser”');
    expect(say({ action: 'task.run', detail: { title: 'Fix the parser', retry: true } })).toBe('local ran task “Fix the parser” again');
    expect(say({ action: 'task.cancelled', detail: { title: 'Tidy' } })).toBe('local cancelled task “Tidy”');
    expect(say({ action: 'task.resumed', detail: { title: 'Tidy' } })).toBe('local resumed task “Tidy” with a follow-up');
    expect(say({ action: 'task.created' })).toBe('local created task tsk_1');
  });

  it('says which credential, never its value', () => {
    expect(say({ action: 'credential.set', projectId: null, detail: { kind: 'agent', name: 'claude-code', label: 'Claude Code', secret: 'API key' } })).toBe('local set the Claude Code API key');
    expect(say({ action: 'credential.deleted', detail: { kind: 'git', name: 'github.com', label: 'github.com', secret: 'token' } })).toBe('local deleted the repository token for github.com');
    expect(say({ action: 'credential.set', detail: { kind: 'cloud', name: 'hetzner', label: 'hetzner', secret: 'token' } })).toBe('local set the hetzner cloud token');
  });

  it('names the settings changed in plain words', () => {
    expect(say({ action: 'project.updated', detail: { settings: ['defaultAgentType', 'dailyBudget'] } })).toBe("local changed the project's default agent, daily budget");
    expect(say({ action: 'project.updated' })).toBe("local changed the project's settings");
  });

  it('says who signed in from where, and "someone" for a refused sign-in', () => {
    expect(say({ action: 'sign_in.succeeded', detail: { ip: '203.0.113.7' } })).toBe('local signed in with the API token from 203.0.113.7');
    expect(say({ action: 'sign_in.refused', actorUserId: null, detail: { ip: null } })).toBe('someone was refused sign-in (wrong API token)');
  });

  it('names a signed-in user by login, and says how they signed in or why they were refused', () => {
    expect(say({ action: 'sign_in.succeeded', actorUserId: 'usr_1', actorName: 'octocat', detail: { ip: null, method: 'github' } })).toBe('octocat signed in with GitHub');
    expect(say({ action: 'sign_in.refused', actorUserId: null, detail: { ip: null, method: 'oidc', reason: 'email_domain' } })).toBe('someone was refused sign-in with OpenID Connect (email_domain)');
    expect(say({ action: 'token.created', actorUserId: 'usr_1', actorName: 'octocat', targetKind: 'api_token', targetId: 'tok_1', detail: { name: 'ci' } })).toBe('octocat created the API token “ci”');
    expect(say({ action: 'token.revoked', targetKind: 'api_token', targetId: 'tok_1', detail: { name: 'ci' } })).toBe('local revoked the API token “ci”');
    expect(say({ action: 'user.approved', targetKind: 'user', targetId: 'usr_2', detail: { login: 'hubot' } })).toBe('local approved user hubot');
  });

  it('names nodes, workspaces, triggers and webhooks', () => {
    expect(say({ action: 'node.destroyed', targetKind: 'node', targetId: 'nod_1' })).toBe('local destroyed node nod_1');
    expect(say({ action: 'workspace.deleted', targetKind: 'workspace', targetId: 'ws_1' })).toBe('local deleted workspace ws_1');
    expect(say({ action: 'trigger.created', detail: { name: 'Nightly', kind: 'schedule' } })).toBe('local created the schedule trigger “Nightly”');
    expect(say({ action: 'webhook.created', detail: { host: 'hooks.example.com' } })).toBe('local added a webhook to hooks.example.com');
  });
});
