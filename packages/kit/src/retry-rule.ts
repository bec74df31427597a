/**
 * The one rule for which HTTP statuses are worth retrying (every client of ours uses it):
 * 408 Request Timeout, 429 Too Many Requests, and every 5xx — including Cloudflare's 52x, which
 * its proxy answers when it cannot reach an origin that is still starting.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
