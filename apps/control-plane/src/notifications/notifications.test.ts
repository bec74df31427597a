/**
 * Notifications (issue 16, item 3), inside workerd: where they may go (target-url.ts), how a
 * webhook body is signed (webhook-signature.ts), what a Slack-compatible webhook says
 * (message-text.ts), the VAPID key pair made once, and the API's refusals. Delivery, retries and
 * Web Push run end to end in tests/capability/notifications.test.ts.
 */
import type { NotificationPayload } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, apiWithEnv, createProject, expectJson } from '../../test/helpers.js';
import { slackText } from './message-text.js';
import { checkTargetUrl } from './target-url.js';
import { newWebhookSecret, signWebhookBody } from './webhook-signature.js';

describe('notification targets', () => {
  it('takes https anywhere, and http only to loopback in local mode', () => {
    expect(checkTargetUrl('https://hooks.example.com/x', 'webhook URL', false)).toBe('https://hooks.example.com/x');
    expect(checkTargetUrl('http://127.0.0.1:9000/x', 'webhook URL', true)).toBe('http://127.0.0.1:9000/x');
    expect(checkTargetUrl('http://localhost/x', 'webhook URL', true)).toBe('http://localhost/x');
    expect(checkTargetUrl('http://[::1]:8080/', 'webhook URL', true)).toBe('http://[::1]:8080/');
    expect(() => checkTargetUrl('http://127.0.0.1/x', 'webhook URL', false)).toThrow(/must use https/);
    expect(() => checkTargetUrl('http://10.0.0.1/x', 'webhook URL', true)).toThrow(/https/);
    expect(() => checkTargetUrl('ftp://example.com/x', 'webhook URL', true)).toThrow(/https/);
    expect(() => checkTargetUrl('https://user:pw@example.com/', 'webhook URL', true)).toThrow(/user name or password/);
  });
});

describe('webhook signatures', () => {
  it('are HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed sha256=', async () => {
    // Checked with WebCrypto's own HMAC verify over the documented string.
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const signature = await signWebhookBody(secret, 1_700_000_000, '{"a":1}');
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    const mac = Uint8Array.from(signature.replace('sha256=', '').match(/../g) ?? [], (h) => parseInt(h, 16));
    expect(await crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode('1700000000.{"a":1}'))).toBe(true);
    expect(await signWebhookBody(secret, 1_700_000_001, '{"a":1}')).not.toBe(signature);
  });
});

describe('Slack-compatible text', () => {
  it('links the task, escapes what Slack reads as markup, and names the branch or error', () => {
    const payload: NotificationPayload = {
      event: 'task.failed',
      occurredAt: '2026-12-06T00:00:00.000Z',
      project: { id: 'prj_1', name: 'a <b> & c' },
      task: { id: 'tsk_1', title: 'fix <it>', status: 'failed', branch: 'task/tsk_1', prUrl: null, error: 'exit 1', url: 'https://f.example/projects/prj_1/chat/ses_1' },
    };
    expect(slackText(payload)).toBe('Task failed: <https://f.example/projects/prj_1/chat/ses_1|fix &lt;it&gt;> in a &lt;b&gt; &amp; c\nBranch: task/tsk_1\nError: exit 1');
  });
});

describe('/api/projects/:projectId/webhooks and /api/push', () => {
  it('refuses a plain-http URL off loopback, an unknown project, and shows the secret only once', async () => {
    const project = await createProject('hooks');
    const refused = await expectJson<{ error: { code: string; message: string } }>(await api(`/api/projects/${project.id}/webhooks`, { method: 'POST', body: { url: 'http://example.com/x' } }), 400);
    expect(refused.error.message).toMatch(/https/);
    await expectJson(await api('/api/projects/prj_nope/webhooks', { method: 'POST', body: { url: 'https://example.com/x' } }), 404);
    const created = await expectJson<{ id: string; secret: string; events: string[] }>(await api(`/api/projects/${project.id}/webhooks`, { method: 'POST', body: { url: 'https://example.com/x' } }), 201);
    expect(created.events).toEqual(['task.completed', 'task.failed', 'permission.requested']);
    const listed = await expectJson<{ webhooks: unknown[] }>(await api(`/api/projects/${project.id}/webhooks`), 200);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(await expectJson(await api(`/api/projects/${project.id}/webhooks/${created.id}/deliveries`), 200)).toEqual({ deliveries: [] });
    await expectJson(await api(`/api/projects/${project.id}/webhooks/whk_nope/deliveries`), 404);
  });

  it('makes the VAPID key once, needs credential storage for it, and checks push endpoints', async () => {
    const first = await expectJson<{ publicKey: string }>(await api('/api/push/vapid-key'), 200);
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(await expectJson(await api('/api/push/vapid-key'), 200)).toEqual(first);
    await expectJson(await apiWithEnv('/api/push/vapid-key', { CREDENTIALS_ENCRYPTION_KEY: undefined }), 503);
    await expectJson(await api('/api/push/subscriptions', { method: 'PUT', body: { endpoint: 'http://push.example.com/x', keys: { p256dh: 'a', auth: 'b' } } }), 400);
    expect((await api('/api/push/subscriptions', { method: 'PUT', body: { endpoint: 'https://push.example.com/x', keys: { p256dh: 'a', auth: 'b' } } })).status).toBe(204);
    expect((await api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint: 'https://push.example.com/x' } })).status).toBe(204);
    await expectJson(await api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint: 'https://push.example.com/x' } }), 404);
  });
});
