/**
 * Capability: the audit log (issue 14, item 5) against the real stack with the scripted agent.
 * A user creates and runs a task, cancels another, sets and deletes an agent's API key, destroys
 * the warm node the task left and changes a project setting: the project's log and the log of no
 * project read those events newest first with their actions, targets and actor; they page with
 * `before` (an event id, or a time); the key's value appears in no audit answer; and
 * `flotilla audit` prints both logs in plain words.
 */
import type { AuditEvent, AuditPage } from '@flotilla/contracts';
import { bootTestStack, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';
import { createProjectOnFreshRepo, waitForNodeStatus } from './nodes-support.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({ vars: { NODE_WARM_TIMEOUT_MS: String(30 * 60 * 1000) } });
});

afterAll(async () => {
  await stack?.close();
});

/** An API key that must never be seen again outside the credential store. */
const SECRET_KEY = `sk-ant-audit-${crypto.randomUUID()}`;

/** `flotilla <args> --server <this stack>`. */
const cli = (...args: string[]) => runCli([...args, '--server', stack.url]);

/** The raw JSON text of an audit route (to search for the key in everything it says). */
async function rawAudit(path: string): Promise<string> {
  const response = await fetch(`${stack.url}${path}`);
  expect(response.status).toBe(200);
  return response.text();
}

const summary = (e: AuditEvent) => [e.action, e.targetKind, e.targetId];

describe('the audit log', () => {
  it('records who did what, newest first, pages with before, and never holds a secret', async () => {
    const project = await createProjectOnFreshRepo(stack);
    const ran = await stack.client.createTask(project.id, { title: 'Fix the parser', description: 'say: fixed', run: true });
    const done = await waitForTask(stack.client, ran.id);
    expect(done.status).toBe('completed');
    const draft = await stack.client.createTask(project.id, { title: 'Tidy the docs', description: 'say: tidy' });
    await stack.client.cancelTask(project.id, draft.id);

    await stack.client.putAgentCredential('claude-code', SECRET_KEY);
    await stack.client.deleteAgentCredential('claude-code');

    const nodeId = done.nodeId ?? '';
    await waitForNodeStatus(stack, nodeId, 'warm');
    expect((await stack.client.destroyNode(nodeId)).status).toBe('destroyed');
    await stack.client.updateProject(project.id, { defaultVmSize: 'medium', name: 'nodes, audited' });

    const projectLog = await stack.client.listProjectAudit(project.id);
    expect(projectLog.hasOlder).toBe(false);
    expect(projectLog.events.map(summary)).toEqual([
      ['project.updated', 'project', project.id],
      ['task.cancelled', 'task', draft.id],
      ['task.created', 'task', draft.id],
      ['task.run', 'task', ran.id],
      ['task.created', 'task', ran.id],
      ['project.created', 'project', project.id],
    ]);
    for (const event of projectLog.events) expect(event).toMatchObject({ projectId: project.id, actorUserId: 'local', actorTokenId: null });
    expect(projectLog.events[0]?.detail).toEqual({ settings: ['name', 'defaultVmSize'] });
    expect(projectLog.events[3]?.detail).toEqual({ title: 'Fix the parser', retry: false });
    const times = projectLog.events.map((e) => e.at);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const globalLog = await stack.client.listAudit();
    expect(globalLog.events.map(summary)).toEqual([
      ['node.destroyed', 'node', nodeId],
      ['credential.deleted', 'credential', 'agent:claude-code'],
      ['credential.set', 'credential', 'agent:claude-code'],
    ]);
    expect(globalLog.events.every((e) => e.projectId === null && e.actorUserId === 'local')).toBe(true);
    expect(globalLog.events[2]?.detail).toEqual({ kind: 'agent', name: 'claude-code', label: 'Claude Code', secret: 'API key' });

    // Paging: by the last event's id, then by a time.
    const first = await stack.client.listProjectAudit(project.id, { limit: 2 });
    expect(first.events.map((e) => e.id)).toEqual(projectLog.events.slice(0, 2).map((e) => e.id));
    expect(first.hasOlder).toBe(true);
    const second = await stack.client.listProjectAudit(project.id, { limit: 3, before: first.events[1]?.id });
    expect(second.events.map((e) => e.id)).toEqual(projectLog.events.slice(2, 5).map((e) => e.id));
    expect(second.hasOlder).toBe(true);
    const last = await stack.client.listProjectAudit(project.id, { limit: 3, before: second.events[2]?.id });
    expect(last).toEqual<AuditPage>({ events: projectLog.events.slice(5), hasOlder: false });
    const created = projectLog.events[5]!;
    const byTime = await stack.client.listProjectAudit(project.id, { before: String(created.at + 1) });
    expect(byTime.events.map((e) => e.id)).toContain(created.id);
    expect(byTime.events.every((e) => e.at <= created.at)).toBe(true);

    // The key is in no audit answer, of any page.
    for (const path of [`/api/projects/${project.id}/audit?limit=200`, '/api/audit?limit=200']) expect(await rawAudit(path)).not.toContain(SECRET_KEY);

    // The CLI prints both logs in plain words.
    const projectLines = await cli('audit', '--project', project.id);
    expect(projectLines.code, projectLines.stderr).toBe(0);
    const lines = projectLines.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}local changed the project's name, default VM size {2}\[project\.updated prj_/);
    expect(projectLines.stdout).toContain('local ran task “Fix the parser”  [task.run');
    expect(projectLines.stdout).toContain('local cancelled task “Tidy the docs”');
    const globalLines = await cli('audit', '--limit', '2');
    expect(globalLines.code, globalLines.stderr).toBe(0);
    expect(globalLines.stdout).toContain(`local destroyed node ${nodeId}`);
    expect(globalLines.stdout).toContain('local deleted the Claude Code credential');
    expect(globalLines.stdout).toContain('… older events');
    expect((await cli('audit')).stdout).toContain('local set the Claude Code API key');
    expect(JSON.parse((await cli('audit', '--json')).stdout)).toEqual(globalLog.events);
    expect((await cli('audit', '--limit', '0')).code).toBe(1);
    expect((await cli('audit', '--project', 'prj_nope')).stderr).toContain('prj_nope');
  });
});
