/** How long a kept workspace stays, in words ("kept until 14:05 tomorrow"). */
/** `iso` as "14:05", "14:05 tomorrow" or "14:05 on 9 Dec", seen from `now` (ms) in the browser's time zone. */
export function keptUntilText(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(at) - day(new Date(now))) / 86_400_000);
  if (days === 0) return `kept until ${time} today`;
  if (days === 1) return `kept until ${time} tomorrow`;
  return `kept until ${time} on ${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })}`;
}
