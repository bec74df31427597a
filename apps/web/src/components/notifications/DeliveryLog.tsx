/**
 * A webhook's delivery log (`GET …/webhooks/:id/deliveries`): one row per attempt, newest first —
 * when, the event, the attempt number, the receiver's status or what went wrong, and whether a
 * retry is coming. Refreshed every few seconds while shown.
 */
import { useQuery } from '@tanstack/react-query';
import { api, errorText } from '../../lib/api';
import { EVENT_LABELS } from '../../lib/notification-words';

/** How often the log is read again while it is shown, in ms. */
const REFRESH_MS = 5_000;

export function DeliveryLog({ projectId, webhookId }: { projectId: string; webhookId: string }) {
  const deliveries = useQuery({ queryKey: ['webhook-deliveries', webhookId], queryFn: () => api.listWebhookDeliveries(projectId, webhookId), refetchInterval: REFRESH_MS });
  if (deliveries.isError) return <p role="alert" className="error small">Could not load the deliveries: {errorText(deliveries.error)}</p>;
  if (!deliveries.data) return <p className="muted small">Loading deliveries…</p>;
  if (deliveries.data.length === 0) return <p className="muted small">Nothing delivered yet.</p>;
  return (
    <div className="delivery-log">
      <table>
        <caption className="visually-hidden">Delivery log</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Attempt</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.map((delivery) => (
            <tr key={delivery.id}>
              <td>{new Date(delivery.attemptedAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}</td>
              <td>{EVENT_LABELS[delivery.event]}</td>
              <td data-label="Attempt">{delivery.attempt}</td>
              <td className={delivery.error ? 'error' : undefined}>
                {delivery.statusCode ?? 'no answer'}
                {delivery.error ? ` · ${delivery.error}` : ''}
                {delivery.willRetry ? ' · will retry' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
