/**
 * A project's outgoing webhooks in settings (issue 16, item 3): the list (URL, events, format),
 * a form to add one — its signing secret is shown once, right after — a Remove button, and each
 * webhook's delivery log (DeliveryLog). The API checks the URL (https; http to this machine in
 * local mode) and refuses with a sentence shown under the form.
 */
import { NOTIFICATION_EVENTS, type CreatedWebhook, type NotificationEvent, type Webhook } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { EVENT_LABELS } from '../../lib/notification-words';
import { DeliveryLog } from './DeliveryLog';


const webhooksKey = (projectId: string) => ['webhooks', projectId] as const;

function WebhookRow({ projectId, webhook }: { projectId: string; webhook: Webhook }) {
  const queryClient = useQueryClient();
  const [showLog, setShowLog] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.deleteWebhook(projectId, webhook.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey(projectId) }),
  });
  return (
    <li className="webhook">
      <div className="webhook-head">
        <code className="webhook-url">{webhook.url}</code>
        <span className="muted small">
          {webhook.events.map((event) => EVENT_LABELS[event]).join(', ')}
          {webhook.format === 'slack' ? ' · Slack format' : ''}
        </span>
      </div>
      <div className="webhook-actions">
        <button type="button" aria-expanded={showLog} onClick={() => setShowLog((shown) => !shown)}>
          {showLog ? 'Hide deliveries' : 'Deliveries'}
        </button>
        <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending} aria-label={`Remove webhook ${webhook.url}`}>
          Remove
        </button>
      </div>
      {remove.isError && <p role="alert" className="error small">{errorText(remove.error)}</p>}
      {showLog && <DeliveryLog projectId={projectId} webhookId={webhook.id} />}
    </li>
  );
}

export function WebhookSettings({ projectId }: { projectId: string }) {
  const queryClient = useQueryClient();
  const webhooks = useQuery({ queryKey: webhooksKey(projectId), queryFn: () => api.listWebhooks(projectId) });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<NotificationEvent[]>([...NOTIFICATION_EVENTS]);
  const [slack, setSlack] = useState(false);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const add = useMutation({
    mutationFn: () => api.createWebhook(projectId, { url: url.trim(), events, format: slack ? 'slack' : 'json' }),
    onSuccess: (webhook) => {
      setCreated(webhook);
      setUrl('');
      void queryClient.invalidateQueries({ queryKey: webhooksKey(projectId) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    add.mutate();
  };
  const toggle = (event: NotificationEvent, on: boolean) => setEvents((current) => (on ? [...current, event] : current.filter((e) => e !== event)));

  return (
    <section className="card form webhooks" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted small">
        Flotilla posts to these addresses when a task of this project completes or fails, or its agent asks permission, signed with the webhook&apos;s secret (see the README, &quot;Notifications&quot;). Failed deliveries are
        retried.
      </p>
      {webhooks.isError && <p role="alert" className="error small">Could not load the webhooks: {errorText(webhooks.error)}</p>}
      {webhooks.data && webhooks.data.length === 0 && <p className="muted small">No webhooks yet.</p>}
      {webhooks.data && webhooks.data.length > 0 && (
        <ul className="webhook-list">
          {webhooks.data.map((webhook) => (
            <WebhookRow key={webhook.id} projectId={projectId} webhook={webhook} />
          ))}
        </ul>
      )}
      {created && (
        <div role="status" className="notice small webhook-secret">
          Webhook added. Its signing secret, shown only now: <code>{created.secret}</code>
        </div>
      )}
      <form className="form" onSubmit={submit} aria-label="Add a webhook">
        <label>
          Webhook URL
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/flotilla" required />
        </label>
        <fieldset className="webhook-events">
          <legend>Send when</legend>
          {NOTIFICATION_EVENTS.map((event) => (
            <label key={event} className="checkbox">
              <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.target.checked)} />
              {EVENT_LABELS[event]}
            </label>
          ))}
        </fieldset>
        <label className="checkbox">
          <input type="checkbox" checked={slack} onChange={(e) => setSlack(e.target.checked)} />
          Slack-compatible format (posts {'{"text": …}'})
        </label>
        {add.isError && <p role="alert" className="error small">{errorText(add.error)}</p>}
        <button type="submit" className="primary" disabled={add.isPending || events.length === 0}>
          Add webhook
        </button>
      </form>
    </section>
  );
}
