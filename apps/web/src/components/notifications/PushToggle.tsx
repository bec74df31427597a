/**
 * "Notify me" (issue 16, item 3): a switch that subscribes this browser to Web Push (lib/web-push.ts),
 * so a notification appears when a task completes or fails or an agent asks permission, even
 * with the tab closed. Says why
 * when the browser cannot (no push support, an http page other than localhost, notifications
 * blocked).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../../lib/api';
import { currentSubscription, pushSupported, subscribeToPush, unsubscribeFromPush } from '../../lib/web-push';

const subscriptionKey = ['push-subscription'] as const;

export function PushToggle() {
  const queryClient = useQueryClient();
  const supported = pushSupported();
  const subscribed = useQuery({ queryKey: subscriptionKey, queryFn: async () => (await currentSubscription()) !== null, enabled: supported });
  const change = useMutation({
    mutationFn: (on: boolean) => (on ? subscribeToPush() : unsubscribeFromPush()),
    onSettled: () => queryClient.invalidateQueries({ queryKey: subscriptionKey }),
  });
  return (
    <section className="card form push-toggle" aria-labelledby="push-title">
      <h2 id="push-title">Browser notifications</h2>
      {supported ? (
        <>
          <label className="checkbox">
            <input type="checkbox" checked={subscribed.data ?? false} disabled={change.isPending || subscribed.isPending} onChange={(e) => change.mutate(e.target.checked)} />
            Notify me in this browser
          </label>
          <p className="muted small">
            A notification appears when a task of any project completes or fails, or an agent asks permission (answer it from the notification), even with this tab closed.
          </p>
        </>
      ) : (
        <p className="muted small">This browser cannot show push notifications here (they need a browser with Web Push, on https or localhost).</p>
      )}
      {change.isError && <p role="alert" className="error small">{errorText(change.error)}</p>}
    </section>
  );
}
