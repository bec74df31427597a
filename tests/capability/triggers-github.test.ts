/**
 * Capability (issue 16 item 4): a GitHub issue trigger. GitHub's `issues` webhook, signed with the
 * trigger's secret (`X-Hub-Signature-256`), with the trigger's label on an issue of the project's
 * repository makes one task — a redelivery (same `X-GitHub-Delivery`) makes no second one, a bad
 * signature is refused with 401 — and when the task ends, the control plane comments its result
 * (branch and pull request) on the issue through the fake GitHub, with the repository token saved
 * for github.com (saved only after the run here, so the comment is also seen to be tried again). The "GitHub" remote is a real local repository reached through git's
 * `url.<path>.insteadOf`, as in lifecycle-pull-request.test.ts.
 */
import type { CreatedTrigger, TriggerFired } from '@flotilla/contracts';
import type { FakeGitHub } from '@flotilla/testkit/fake-github';
import { waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGitHubStack, GITHUB_TOKEN, GITHUB_URL, type GitHubStack } from './github-support.js';

let stack: TestStack;
let github: FakeGitHub;

let env: GitHubStack;

beforeAll(async () => {
  env = await bootGitHubStack({ nodeToken: true, controlPlaneApi: true });
  ({ stack, github } = env);
});

afterAll(async () => {
  await env?.close();
});

/** GitHub's `issues` event for `label` put on issue `number` of acme/widgets. */
function labeledEvent(number: number, label: string, title: string) {
  return {
    action: 'labeled',
    issue: { number, title, body: 'write CHANGELOG.md: # Changelog\nsay: Added CHANGELOG.md.', html_url: `https://github.com/acme/widgets/issues/${number}` },
    label: { name: label },
    repository: { full_name: 'acme/widgets' },
    sender: { login: 'octocat' },
  };
}

/** Deliver `payload` as GitHub would: JSON, signed with `secret`, under `deliveryId`. */
async function deliver(hookPath: string, payload: unknown, secret: string, deliveryId: string, event = 'issues'): Promise<Response> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return fetch(`${stack.url}${hookPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': deliveryId, 'x-hub-signature-256': signature },
    body,
  });
}

describe('GitHub issue trigger', () => {
  let created: CreatedTrigger;
  let projectId: string;

  it('a labelled issue makes one task; a redelivery and a bad signature make none', async () => {
    const project = await stack.client.createProject({ name: 'widgets', repoUrl: GITHUB_URL, defaultBranch: 'main' });
    projectId = project.id;
    created = await stack.client.createTrigger(project.id, { kind: 'github_issue', name: 'Agent issues', label: 'flotilla' });
    expect(created.secret).toMatch(/^flt_trg_/);
    expect(created.trigger).toMatchObject({ kind: 'github_issue', label: 'flotilla', enabled: true, hookPath: `/api/triggers/${created.trigger.id}/github` });
    const hookPath = created.trigger.hookPath!;
    const secret = created.secret!;

    const unsigned = await deliver(hookPath, labeledEvent(7, 'flotilla', 'Add a changelog'), 'not-the-secret', randomUUID());
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    const otherLabel = await deliver(hookPath, labeledEvent(7, 'bug', 'Add a changelog'), secret, randomUUID());
    expect(otherLabel.status).toBe(200);
    expect(await otherLabel.json()).toMatchObject({ taskId: null, ignored: expect.stringContaining('bug') });

    const deliveryId = randomUUID();
    const first = await deliver(hookPath, labeledEvent(7, 'flotilla', 'Add a changelog'), secret, deliveryId);
    expect(first.status).toBe(201);
    const fired = (await first.json()) as TriggerFired;
    expect(fired).toMatchObject({ duplicate: false, ignored: null });

    const again = await deliver(hookPath, labeledEvent(7, 'flotilla', 'Add a changelog'), secret, deliveryId);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ taskId: fired.taskId, duplicate: true, ignored: null });

    const tasks = await stack.client.listTasks(project.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ id: fired.taskId, title: '#7 Add a changelog' });
    expect(tasks[0]!.description).toContain('https://github.com/acme/widgets/issues/7');

    // The task runs (run now is the default of an issue's task). With no repository token saved for
    // github.com, its result cannot be commented yet (a token saved before the run would also go
    // to the node's git, whose own config then replaces this test's insteadOf rewrite).
    const task = await waitForTask(stack.client, fired.taskId!);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(github.issueComments).toEqual([]);

    // Once the token is saved, a sweep (the TriggerRunner's alarm, the cron; here the local one,
    // asked until it happened) comments it, once.
    await stack.client.putGitCredential('github.com', GITHUB_TOKEN);
    await expect
      .poll(async () => {
        await stack.client.sweepTriggers();
        return github.issueComments.length;
      })
      .toBe(1);
    const comment = github.issueComments[0]!;
    expect(comment).toMatchObject({ owner: 'acme', repo: 'widgets', issueNumber: 7 });
    expect(comment.body).toContain(`task/${task.id}`);
    expect(comment.body).toContain(task.output.commitSha!);
    expect(comment.body).toContain('Added CHANGELOG.md.');
    expect(comment.body).toContain(`Pull request: ${task.output.prUrl!}`);
    expect(await stack.client.sweepTriggers()).toMatchObject({ commented: 0 });
    expect(github.requests.filter((r) => r.path.endsWith('/comments')).at(-1)).toMatchObject({ method: 'POST', path: '/repos/acme/widgets/issues/7/comments', authorized: true });
  });

  it('a turned-off trigger refuses as a wrong secret does', async () => {
    await stack.client.setTriggerEnabled(projectId, created.trigger.id, false);
    const refused = await deliver(created.trigger.hookPath!, labeledEvent(8, 'flotilla', 'Another'), created.secret!, randomUUID());
    expect(refused.status).toBe(401);
    expect(await stack.client.listTasks(projectId)).toHaveLength(1);
  });
});
