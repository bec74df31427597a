/**
 * Where the control plane may send notifications (webhook URLs, Web Push endpoints): https
 * anywhere, or http to a loopback address (127.0.0.0/8, ::1, localhost) and only in local mode,
 * where the receiver runs on this machine. Anything else is refused with 400 when the target is
 * saved, so a notification never goes out in clear text over a network.
 */
import { badRequest } from '@flotilla/kit';

/** Whether `hostname` (as `URL.hostname` gives it) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Check `url` as a notification target.
 * @param what - how the message names it ("webhook URL", "push endpoint")
 * @param isLocalMode - DEPLOYMENT_MODE=local: http to loopback is allowed too
 * @returns the URL, normalized
 * @throws FlotillaError bad_request (400) for another scheme, http off loopback or outside local
 *   mode, or a URL with a user name or password
 */
export function checkTargetUrl(url: string, what: string, isLocalMode: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`the ${what} is not a URL`);
  }
  if (parsed.username || parsed.password) throw badRequest(`the ${what} must not carry a user name or password`);
  if (parsed.protocol === 'https:') return parsed.toString();
  if (parsed.protocol === 'http:' && isLocalMode && isLoopbackHost(parsed.hostname)) return parsed.toString();
  throw badRequest(isLocalMode ? `the ${what} must use https (or http to 127.0.0.1 / localhost)` : `the ${what} must use https`);
}
