/**
 * Parse an HTTP `Retry-After` header (RFC 9110 §10.2.3): a number of seconds or an HTTP date.
 *
 * @param value the header value, or null when absent
 * @param nowMs the current time in epoch milliseconds (injectable for tests)
 * @returns the delay in milliseconds (0 for a date in the past), or undefined when the header is
 *   absent or malformed
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // All three HTTP-date forms (IMF-fixdate, RFC 850, asctime) start with a day name.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
