/**
 * Web Push in this browser (issue 16, item 3): the service worker (`/notifications-sw.js`,
 * which shows each push as a notification and opens the task when it is clicked), and this
 * browser's subscription — made with the control plane's VAPID public key and saved through the
 * API, or removed from both. Browsers offer push only on https pages and on localhost.
 */
import { api } from './api';

/** Where the service worker is served (apps/web/public). */
const SERVICE_WORKER_URL = '/notifications-sw.js';

/** Whether this browser can take Web Push at all. */
export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The bytes of a base64url string (the VAPID key). */
function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register(SERVICE_WORKER_URL);
  return navigator.serviceWorker.ready;
}

/** This browser's current subscription, or null. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const existing = await navigator.serviceWorker.getRegistration(SERVICE_WORKER_URL);
  return existing ? existing.pushManager.getSubscription() : null;
}

/**
 * Ask for permission, subscribe, and save the subscription.
 * @throws Error when the user refuses notifications, or the browser or the API refuses
 */
export async function subscribeToPush(): Promise<void> {
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('Notifications are blocked for this site in the browser.');
  const worker = await registration();
  const key = await api.getVapidPublicKey();
  const subscription = (await worker.pushManager.getSubscription()) ?? (await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(key) }));
  const json = subscription.toJSON();
  await api.putPushSubscription({ endpoint: subscription.endpoint, expirationTime: subscription.expirationTime, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } });
}

/** Forget this browser's subscription, at the API and in the browser. */
export async function unsubscribeFromPush(): Promise<void> {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await api.deletePushSubscription(subscription.endpoint).catch(() => undefined);
  await subscription.unsubscribe();
}
