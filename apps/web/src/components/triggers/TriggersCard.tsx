/**
 * A project's triggers on the settings page (issue 16 item 4): each with what sets it off, its
 * next slot (schedules) or the URL to call (webhooks, GitHub), a switch to turn it on or off and
 * Delete; and the form for a new one. A new trigger's secret is shown here once, with how to use
 * it — the API never shows it again.
 */
import type { CreatedTrigger, Project, Trigger } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, errorText } from '../../lib/api';
import { NewTriggerForm } from './NewTriggerForm';
import { triggersKey, triggerSummary } from './trigger-words';

/** The absolute URL of a trigger's webhook route. */
const hookUrl = (trigger: Trigger) => `${window.location.origin}${trigger.hookPath ?? ''}`;

function TriggerRow({ trigger }: { trigger: Trigger }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: triggersKey(trigger.projectId) });
  const toggle = useMutation({ mutationFn: () => api.setTriggerEnabled(trigger.projectId, trigger.id, !trigger.enabled), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => api.deleteTrigger(trigger.projectId, trigger.id), onSuccess: refresh });
  const failed = toggle.error ?? remove.error;
  return (
    <li className="trigger-row">
      <div className="trigger-text">
        <strong>{trigger.name}</strong>
        <span className="muted small">
          {triggerSummary(trigger)}
          {trigger.enabled ? '' : ' · off'}
          {trigger.nextSlot && trigger.enabled ? ` · next ${new Date(trigger.nextSlot).toLocaleString()}` : ''}
        </span>
        {trigger.hookPath && <code className="small">POST {hookUrl(trigger)}</code>}
        {failed && (
          <span role="alert" className="error small">
            {errorText(failed)}
          </span>
        )}
      </div>
      <div className="trigger-actions">
        <button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending} aria-label={`${trigger.enabled ? 'Turn off' : 'Turn on'} ${trigger.name}`}>
          {trigger.enabled ? 'Turn off' : 'Turn on'}
        </button>
        <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending} aria-label={`Delete ${trigger.name}`}>
          Delete
        </button>
      </div>
    </li>
  );
}

function SecretNotice({ created }: { created: CreatedTrigger }) {
  if (!created.secret) return null;
  const { trigger, secret } = created;
  return (
    <div role="status" className="trigger-secret">
      <p>
        <strong>{trigger.name}</strong>: copy its secret now — it is not shown again.
      </p>
      <code aria-label="Trigger secret">{secret}</code>
      <p className="muted small">
        {trigger.kind === 'webhook'
          ? 'Send it as “Authorization: Bearer <secret>” with each call.'
          : 'On GitHub: repository Settings → Webhooks → Add webhook; payload URL as above, content type application/json, this secret, the “Issues” event.'}
      </p>
    </div>
  );
}

export function TriggersCard({ project }: { project: Project }) {
  const titleId = useId();
  const [created, setCreated] = useState<CreatedTrigger | null>(null);
  const triggers = useQuery({ queryKey: triggersKey(project.id), queryFn: () => api.listTriggers(project.id) });
  return (
    <>
      <section className="card form" aria-labelledby={titleId}>
        <h2 id={titleId}>Triggers</h2>
        <p className="muted small">Tasks made without typing them: by a webhook call, on a schedule, or when a label is put on a GitHub issue.</p>
        {created && <SecretNotice created={created} />}
        {triggers.isError && (
          <p role="alert" className="error small">
            {errorText(triggers.error)}
          </p>
        )}
        {triggers.data?.length === 0 && <p className="muted small">No triggers yet.</p>}
        {triggers.data && triggers.data.length > 0 && (
          <ul className="trigger-list" aria-label="Triggers of this project">
            {triggers.data.map((trigger) => (
              <TriggerRow key={trigger.id} trigger={trigger} />
            ))}
          </ul>
        )}
      </section>
      <NewTriggerForm project={project} onCreated={setCreated} />
    </>
  );
}
