/**
 * Flotilla's service worker for Web Push (issue 16, item 3; registered by src/lib/web-push.ts):
 * shows each push — `{title, event, project, task, url, permission}` from the control plane,
 * decrypted by the browser — as a notification, and opens the task's (or workspace's) page when
 * it is clicked. An agent's permission request comes with Allow and Deny actions, which answer
 * it through the control plane's API (`POST <permission.answerPath>` `{optionId}`, this origin's
 * session cookie going along), without opening a page.
 */
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : 'Flotilla' };
  }
  const task = data.task || {};
  const permission = data.permission || null;
  const body = [data.project && data.project.name, task.title && permission ? task.title : null, task.error || task.prUrl || (permission ? null : task.branch)].filter(Boolean).join(' · ');
  const actions = [];
  if (permission && permission.allowOptionId) actions.push({ action: 'allow', title: 'Allow' });
  if (permission && permission.denyOptionId) actions.push({ action: 'deny', title: 'Deny' });
  const tag = permission ? `permission:${permission.requestId}` : task.id ? `${data.event}:${task.id}` : undefined;
  event.waitUntil(
    self.registration.showNotification(data.title || 'Flotilla', {
      body,
      tag,
      actions,
      requireInteraction: Boolean(permission),
      data: { url: data.url || task.url || '/', permission },
    }),
  );
});

/** Answer a permission request with `optionId`; a refusal (already answered, timed out) is shown as a notification. */
async function answerPermission(permission, optionId) {
  const response = await fetch(permission.answerPath, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ optionId }) });
  if (!response.ok) {
    let message = `The answer was not taken (${response.status}).`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // keep the status
    }
    await self.registration.showNotification('Permission request not answered', { body: message, tag: `permission:${permission.requestId}` });
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  if (data.permission && (event.action === 'allow' || event.action === 'deny')) {
    const optionId = event.action === 'allow' ? data.permission.allowOptionId : data.permission.denyOptionId;
    event.waitUntil(answerPermission(data.permission, optionId));
    return;
  }
  const url = data.url || '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url && 'focus' in client);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
