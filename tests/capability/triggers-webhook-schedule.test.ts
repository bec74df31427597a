/**
 * Capability (issue 16 item 4): an inbound webhook trigger and schedule triggers, through the
 * public API. A webhook call with the trigger's secret as bearer token makes a task whose
 * description the body's fields fill; a wrong secret, an unknown trigger and a turned-off one are
 * refused alike (401); a body over TRIGGER_WEBHOOK_MAX_BODY_BYTES is refused (413). A schedule
 * fires at a time given to the trigger sweep (no waiting for the clock): one task per slot,
 * however often and however concurrently the slot is swept; and, with the shortest interval
 * shortened (TRIGGER_SCHEDULE_MIN_INTERVAL_MS), a two-second cron fires by the TriggerRunner's
 * own alarm, one task per slot.
 */
import type { CreatedTrigger, Task, TriggerFired } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAX_BODY_BYTES = 4096;
let stack: TestStack;
let projectId: string;

beforeAll(async () => {
  stack = await bootTestStack({ vars: { TRIGGER_WEBHOOK_MAX_BODY_BYTES: String(MAX_BODY_BYTES), TRIGGER_SCHEDULE_MIN_INTERVAL_MS: '1500' } });
  const project = await stack.client.createProject({ name: 'triggers', repoUrl: createGitRepo({ 'README.md': '# triggers\n' }), defaultBranch: 'main' });
  projectId = project.id;
});

afterAll(async () => {
  await stack?.close();
});

function call(hookPath: string, secret: string, body: unknown): Promise<Response> {
  return fetch(`${stack.url}${hookPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const tasksOf = async (titlePrefix: string): Promise<Task[]> => (await stack.client.listTasks(projectId)).filter((task) => task.title.startsWith(titlePrefix));

describe('inbound webhook trigger', () => {
  let created: CreatedTrigger;

  it('makes a task from the template filled with the body; the secret is shown once', async () => {
    created = await stack.client.createTrigger(projectId, {
      kind: 'webhook',
      name: 'Deploy failed',
      template: { title: 'Fix deploy {{service}}', description: 'The deploy of {{service}} failed with: {{error}}', run: false },
    });
    expect(created.secret).toMatch(/^flt_trg_/);
    expect(JSON.stringify(await stack.client.listTriggers(projectId))).not.toContain(created.secret!);

    const answer = await call(created.trigger.hookPath!, created.secret!, { service: 'billing', error: 'exit 2' });
    expect(answer.status).toBe(201);
    const fired = (await answer.json()) as TriggerFired;
    const task = await stack.client.getTask(fired.taskId!);
    expect(task).toMatchObject({ title: 'Fix deploy billing', description: 'The deploy of billing failed with: exit 2', status: 'draft' });
    expect(task.events[0]).toMatchObject({ actor: `trigger:${created.trigger.id}` });
  });

  it('refuses a wrong secret, an unknown trigger and a turned-off one alike, and a body over the limit', async () => {
    const wrong = await call(created.trigger.hookPath!, 'flt_trg_wrong', {});
    const unknown = await call('/api/triggers/trg_unknown/webhook', created.secret!, {});
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());

    const tooLarge = await call(created.trigger.hookPath!, created.secret!, { service: 'x'.repeat(MAX_BODY_BYTES) });
    expect(tooLarge.status).toBe(413);
    const notAField = await call(created.trigger.hookPath!, created.secret!, { service: { nested: true } });
    expect(notAField.status).toBe(400);

    await stack.client.setTriggerEnabled(projectId, created.trigger.id, false);
    const off = await call(created.trigger.hookPath!, created.secret!, {});
    expect(off.status).toBe(401);
    expect(await tasksOf('Fix deploy')).toHaveLength(1);
  });
});

describe('schedule trigger', () => {
  it('makes one task per slot at the times given to the sweep, however often it is swept', async () => {
    // Every 1 January: no slot comes by the clock while the test runs.
    const { trigger } = await stack.client.createTrigger(projectId, {
      kind: 'schedule',
      name: 'New year',
      cron: '0 0 1 1 *',
      template: { title: 'Yearly {{slot}}', description: 'Review the dependencies ({{slot}})', run: false },
    });
    expect(trigger.nextSlot).toMatch(/-01-01T00:00:00\.000Z$/);
    const slot = new Date(trigger.nextSlot!);
    const at = (ms: number) => new Date(slot.getTime() + ms).toISOString();

    expect((await stack.client.sweepTriggers(at(-1000))).fired).toEqual([]);
    const first = await stack.client.sweepTriggers(at(1000));
    expect(first.fired).toEqual([{ triggerId: trigger.id, slot: slot.toISOString(), taskId: expect.any(String) }]);
    expect((await stack.client.sweepTriggers(at(1000))).fired).toEqual([]);
    expect((await stack.client.sweepTriggers(at(30 * 24 * 3600 * 1000))).fired).toEqual([]);

    // The next slot, swept three times at once: one task.
    const nextYear = new Date(slot);
    nextYear.setUTCFullYear(slot.getUTCFullYear() + 1);
    const racing = await Promise.all([0, 1, 2].map(() => stack.client.sweepTriggers(new Date(nextYear.getTime() + 5000).toISOString())));
    expect(racing.flatMap((result) => result.fired)).toEqual([{ triggerId: trigger.id, slot: nextYear.toISOString(), taskId: expect.any(String) }]);

    const tasks = await tasksOf('Yearly');
    expect(tasks.map((task) => task.title).sort()).toEqual([`Yearly ${slot.toISOString()}`, `Yearly ${nextYear.toISOString()}`]);
    const [listed] = (await stack.client.listTriggers(projectId)).filter((t) => t.id === trigger.id);
    expect(listed?.lastFiredSlot).toBe(nextYear.toISOString());
    await stack.client.deleteTrigger(projectId, trigger.id);
  });

  it('refuses a cron expression it cannot read, or whose slots are closer than the shortest interval', async () => {
    const template = { description: 'x', run: false };
    await expect(stack.client.createTrigger(projectId, { kind: 'schedule', name: 'bad', cron: 'every day', template })).rejects.toMatchObject({ status: 400 });
    await expect(stack.client.createTrigger(projectId, { kind: 'schedule', name: 'too often', cron: '* * * * * *', template })).rejects.toMatchObject({ status: 400 });
  });

  it('fires by its own alarm, one task per slot, and stops when turned off', async () => {
    const { trigger } = await stack.client.createTrigger(projectId, {
      kind: 'schedule',
      name: 'Every two seconds',
      cron: '*/2 * * * * *',
      template: { title: 'Tick {{slot}}', description: 'Tick at {{slot}}', run: false },
    });
    await expect.poll(async () => (await tasksOf('Tick')).length).toBeGreaterThanOrEqual(2);
    await stack.client.setTriggerEnabled(projectId, trigger.id, false);
    const titles = (await tasksOf('Tick')).map((task) => task.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const title of titles) expect(new Date(title.slice('Tick '.length)).getUTCSeconds() % 2).toBe(0);
  });
});
