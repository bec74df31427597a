/**
 * Flotilla's service worker for Web Push (issue 16, item 3; registered by src/lib/web-push.ts):
 * shows each push — `{title, event, project, task}` from the control plane, decrypted by the
 * browser — as a notification, and opens the task's page when the notification is clicked.
 */
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : 'Flotilla' };
  }
  const task = data.task || {};
  const body = [data.project && data.project.name, task.error || task.prUrl || task.branch].filter(Boolean).join(' · ');
  event.waitUntil(self.registration.showNotification(data.title || 'Flotilla', { body, tag: task.id ? `${data.event}:${task.id}` : undefined, data: { url: task.url || '/' } }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url && 'focus' in client);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
