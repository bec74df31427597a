/**
 * Triggers inside workerd (issue 16 item 4): the schedule's slots (croner, UTC; missed slots make
 * one, counting from the last change), the secrets (SHA-256 compared in constant time, GitHub's
 * HMAC signature), the template's placeholders, and the trigger routes' refusals at the boundary
 * (400 for a bad cron or a GitHub trigger on a project not on github.com, 404 for another
 * project's trigger), with secrets never listed.
 */
import type { CreatedTrigger, TriggerList } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, expectJson } from '../../test/helpers.js';
import { checkCronExpression, dueSlot, nextSlot } from './schedule.js';
import { hashSecret, matchesHash, newTriggerSecret, validGitHubSignature } from './secrets.js';
import { fillTemplate, taskRequestOf } from './template.js';

const schedule = (cron: string, updatedAt: string, lastFired: string | null = null) => ({ cron, updated_at: updatedAt, last_fired_slot: lastFired, enabled: 1 });

describe('schedule slots', () => {
  it('finds the latest unfired slot at or before now, counting from the last change', () => {
    const hourly = schedule('0 * * * *', '2026-12-06T10:15:00.000Z');
    expect(dueSlot(hourly, new Date('2026-12-06T10:59:59.000Z'))).toBeNull();
    expect(dueSlot(hourly, new Date('2026-12-06T11:00:00.000Z'))?.toISOString()).toBe('2026-12-06T11:00:00.000Z');
    // Missed slots make one: the latest.
    expect(dueSlot(hourly, new Date('2026-12-06T14:30:00.000Z'))?.toISOString()).toBe('2026-12-06T14:00:00.000Z');
    expect(dueSlot({ ...hourly, last_fired_slot: '2026-12-06T14:00:00.000Z' }, new Date('2026-12-06T14:30:00.000Z'))).toBeNull();
    expect(nextSlot({ ...hourly, last_fired_slot: '2026-12-06T14:00:00.000Z' }, new Date('2026-12-06T14:30:00.000Z'))?.toISOString()).toBe('2026-12-06T15:00:00.000Z');
    expect(nextSlot({ ...hourly, enabled: 0 }, new Date('2026-12-06T14:30:00.000Z'))).toBeNull();
  });

  it('refuses what croner cannot read, expressions with no future time, and slots closer than the minimum', () => {
    expect(() => checkCronExpression('every day', 60_000)).toThrow(/cron:/);
    expect(() => checkCronExpression('* * * * * *', 60_000)).toThrow(/shortest interval/);
    expect(() => checkCronExpression('*/5 * * * *', 60_000)).not.toThrow();
    expect(() => checkCronExpression('*/2 * * * * *', 2_000)).not.toThrow();
  });
});

describe('trigger secrets', () => {
  it('matches a webhook secret by its hash only', async () => {
    const secret = newTriggerSecret();
    const hash = await hashSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await matchesHash(secret, hash)).toBe(true);
    expect(await matchesHash(`${secret}x`, hash)).toBe(false);
    expect(await matchesHash('', hash)).toBe(false);
  });

  it("checks GitHub's X-Hub-Signature-256 (the example of GitHub's documentation)", async () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const body = new TextEncoder().encode('Hello, World!');
    const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await validGitHubSignature("It's a Secret to Everybody", body, signature)).toBe(true);
    expect(await validGitHubSignature('another secret', body, signature)).toBe(false);
    expect(await validGitHubSignature("It's a Secret to Everybody", body, null)).toBe(false);
    expect(await validGitHubSignature("It's a Secret to Everybody", body, 'sha1=abc')).toBe(false);
  });
});

describe('task templates', () => {
  it('fills placeholders, leaving unknown ones empty, and never re-reads a filled value', () => {
    expect(fillTemplate('Fix {{ service }} ({{missing}}) {{issue.number}}', { service: '{{issue.number}}', 'issue.number': 7 })).toBe('Fix {{issue.number}} () 7');
    expect(taskRequestOf({ description: 'Deploy {{env}}', title: '{{nothing}}', run: false }, { env: 'prod' })).toEqual({ description: 'Deploy prod', run: false });
  });
});

describe('trigger routes', () => {
  it('creates, lists without the secret, turns off and deletes a webhook trigger', async () => {
    const project = await createProject('triggers-routes');
    const created = await expectJson<CreatedTrigger>(
      await api(`/api/projects/${project.id}/triggers`, { method: 'POST', body: { kind: 'webhook', name: 'hook', template: { description: 'Do {{what}}' } } }),
      201,
    );
    expect(created.trigger).toMatchObject({ kind: 'webhook', enabled: true, template: { description: 'Do {{what}}', run: true }, hookPath: `/api/triggers/${created.trigger.id}/webhook` });
    const listed = await expectJson<TriggerList>(await api(`/api/projects/${project.id}/triggers`), 200);
    expect(listed.triggers.map((t) => t.id)).toEqual([created.trigger.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret!);

    const off = await expectJson(await api(`/api/projects/${project.id}/triggers/${created.trigger.id}`, { method: 'PATCH', body: { enabled: false } }), 200);
    expect(off).toMatchObject({ enabled: false });
    const other = await createProject('triggers-other');
    await expectJson(await api(`/api/projects/${other.id}/triggers/${created.trigger.id}`, { method: 'DELETE' }), 404);
    expect((await api(`/api/projects/${project.id}/triggers/${created.trigger.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await expectJson<TriggerList>(await api(`/api/projects/${project.id}/triggers`), 200)).triggers).toEqual([]);
  });

  it('refuses a bad cron, a GitHub trigger on a project not on github.com, and a bad kind (400)', async () => {
    const project = await createProject('triggers-refusals');
    const create = (body: unknown) => api(`/api/projects/${project.id}/triggers`, { method: 'POST', body });
    await expectJson(await create({ kind: 'schedule', name: 's', cron: 'sometimes', template: { description: 'x' } }), 400);
    await expectJson(await create({ kind: 'github_issue', name: 'g', label: 'agent' }), 400);
    await expectJson(await create({ kind: 'email', name: 'e' }), 400);
  });
});
