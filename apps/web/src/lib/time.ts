/** Relative and absolute times for the UI ("3 min ago", "14:02:11"). */
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });

export function relativeTime(iso: string, now = Date.now()): string {
  const deltaMs = new Date(iso).getTime() - now;
  if (Math.abs(deltaMs) < 10_000) return 'just now';
  for (const [unit, ms] of UNITS) {
    if (Math.abs(deltaMs) >= ms || unit === 'second') return relative.format(Math.round(deltaMs / ms), unit);
  }
  return iso;
}

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
