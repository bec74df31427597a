/**
 * The URL a node daemon announces in `nodeReady` (and the control plane then calls).
 * FLOTILLA_PUBLIC_URL may hold two placeholders, filled in when the daemon has bound its port:
 * `{ipv4}` — the first non-loopback IPv4 address of this machine (a cloud VM's public address
 * when its provider puts it on the primary interface, as Hetzner does), and `{port}` — the port
 * bound (FLOTILLA_PORT, or the one the OS picked for 0). Without FLOTILLA_PUBLIC_URL the URL is
 * `http://<FLOTILLA_HOST>:<port>`, or `https://…` when the daemon serves TLS
 * (FLOTILLA_TLS_CERT_FILE/FLOTILLA_TLS_KEY_FILE). A template is used as written: its scheme is
 * the operator's (e.g. `https://` of a proxy in front of a plain-HTTP daemon).
 */
import type { AddressInfo } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export const PUBLIC_URL_PLACEHOLDERS = ['{ipv4}', '{port}'] as const;

/** Fill the placeholders with example values (to validate a template before the port is bound). */
export const exampleOfPublicUrl = (template: string) => template.replaceAll('{ipv4}', '192.0.2.1').replaceAll('{port}', '8080');

/** First IPv4 address that is not internal, or null. */
export function primaryIpv4(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  for (const addresses of Object.values(interfaces)) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return null;
}

/**
 * The daemon's URL.
 * @param template - FLOTILLA_PUBLIC_URL (placeholders allowed), or null
 * @param host - FLOTILLA_HOST, used when there is no template
 * @param address - the bound server address
 * @param tls - whether the server speaks TLS: the scheme of the URL built when there is no template
 *   (`https` rather than `http`); a template's own scheme is kept
 * @param interfaces - this machine's network interfaces (default `os.networkInterfaces()`; for tests)
 * @throws Error when the template needs `{ipv4}` and the machine has no non-loopback IPv4 address
 */
export function resolvePublicUrl(
  template: string | null,
  host: string,
  address: AddressInfo,
  tls: boolean,
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string {
  if (template === null) {
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`;
  }
  let url = template.replaceAll('{port}', String(address.port));
  if (url.includes('{ipv4}')) {
    const ipv4 = primaryIpv4(interfaces);
    if (!ipv4) throw new Error('FLOTILLA_PUBLIC_URL uses {ipv4}, but this machine has no non-loopback IPv4 address');
    url = url.replaceAll('{ipv4}', ipv4);
  }
  return url.replace(/\/+$/, '');
}
