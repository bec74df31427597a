/**
 * Every setting of the control plane, read from the Worker's vars and checked in ONE place:
 * the timeouts and limits (defaults in contracts CONTROL_PLANE_CONFIG_DEFAULTS, defined once
 * there) and the string settings (BASE_URL, LOCAL_CLOUD_URL, LOCAL_CLOUD_SECRET, REPOSITORY_CHECK_INSTEAD_OF, DEPLOYMENT_MODE, DEPLOYMENT_ID, LISTEN_PORT, HETZNER_*,
 * NODE_DNS_*, NODE_DAEMON_PORT, NODE_ORIGIN_TLS, NODE_PUBLIC_URL_TEMPLATE, CLOUDFLARE_API_URL, PRICE_TABLE,
 * GITHUB_API_URL)
 * and secrets. A bad number refuses the whole config (as it always has), saying which; a missing or invalid
 * string setting is kept as a {@link Checked} problem and refused — with a message naming the
 * var — only where it is needed (`setting`), so a half-configured Hetzner or node DNS does not
 * take the API down.
 */
import { DEFAULT_DAEMON_PORT } from '@flotilla/cloud-init';
import { CONTROL_PLANE_CONFIG_DEFAULTS } from '@flotilla/contracts';
import { permanentFailure } from '@flotilla/kit';
import {
  CLOUDFLARE_API_URL,
  CLOUDFLARE_HTTPS_PORTS,
  DEFAULT_HETZNER_IMAGE,
  DEFAULT_HETZNER_LOCATION,
  DEFAULT_HETZNER_SERVER_TYPES,
  DEPLOYMENT_ID_PATTERN,
  HETZNER_API_URL,
} from '@flotilla/providers';
import type { Env } from './env.js';
import { readPriceTable, type PriceTableSetting } from './costs/price-table.js';
import { parseUrlRewrites, type UrlRewrite } from './projects/url-rewrites.js';
import { readSignInSettings, type SignInSettings } from './auth/sign-in-config.js';

/** Every timeout (ms) and limit, by its var's name. */
export type Limits = { -readonly [K in keyof typeof CONTROL_PLANE_CONFIG_DEFAULTS]: number };

/** A setting that was read and checked: its value, or what is wrong with it (naming the var). */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Hetzner's settings (everything but the token, which is the user's saved cloud credential). */
export interface HetznerSettings {
  baseUrl: string;
  /** Provider-neutral size → Hetzner server type (HETZNER_SERVER_TYPES over the defaults). */
  serverTypes: Record<string, string>;
  image: string;
  location: string;
}

/** Node DNS names in a Cloudflare zone (nodes/dns.ts). */
export interface NodeDnsSettings {
  zoneId: string;
  domain: string;
  proxied: boolean;
  apiUrl: string;
  token: string;
}

/** How a VM's daemon listens and what URL it announces (`{nodeId}`, `{ipv4}`, `{port}` still to fill). */
export interface NodeDaemonSettings {
  port: number;
  originTls: boolean;
  publicUrlTemplate: string;
}

export interface Settings {
  /**
   * DEPLOYMENT_MODE is `local` (`flotilla up` sets it): one implicit user on loopback, the node
   * sweep on demand. Anything else, or unset, is a deployment, which must be configured.
   */
  isLocalMode: boolean;
  /** DEPLOYMENT_ID, or null: the id made once and kept in D1 is used (nodes/deployment.ts). */
  deploymentId: Checked<string | null>;
  /** LISTEN_PORT: the port the local control plane listens on (`flotilla up` sets it), or null. */
  listenPort: number | null;
  /** BASE_URL without a trailing slash: the URL node daemons call back to. */
  baseUrl: Checked<string>;
  /** LOCAL_CLOUD_URL: the local provider's cloud. */
  localCloudUrl: Checked<string>;
  /** LOCAL_CLOUD_SECRET: the secret the local cloud requires (a secret, from `flotilla up`'s secrets file). */
  localCloudSecret: Checked<string>;
  /** FLOTILLA_API_TOKEN, or null when the API is open. */
  apiToken: string | null;
  /** CREDENTIALS_ENCRYPTION_KEY as given (credentials/crypto.ts checks it), or null. */
  credentialsKey: string | null;
  hetzner: Checked<HetznerSettings>;
  /** Node DNS, or null when off (neither NODE_DNS_ZONE_ID nor NODE_DNS_DOMAIN set). */
  nodeDns: Checked<NodeDnsSettings | null>;
  nodeDaemon: Checked<NodeDaemonSettings>;
  /** REPOSITORY_CHECK_INSTEAD_OF: where the repository check asks instead (projects/url-rewrites.ts). */
  repositoryCheckRewrites: Checked<UrlRewrite[]>;
  /** PRICE_TABLE over the default price table (costs/price-table.ts); a bad one is a logged problem, the default kept. */
  priceTable: PriceTableSetting;
  /** GITHUB_API_URL without a trailing slash (default https://api.github.com): where GitHub issue triggers comment (triggers/). */
  githubApiUrl: string;
  /** Sign-in with GitHub / OpenID Connect, the allowlists and the approval gate (auth/sign-in-config.ts). */
  signIn: SignInSettings;
}

export type Config = Limits & Settings;

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const problem = <T>(message: string): Checked<T> => ({ ok: false, problem: message });

/**
 * The value of a checked setting.
 * @throws FlotillaError permanentFailure (not retryable) with the setting's problem
 */
export function setting<T>(checked: Checked<T>): T {
  if (checked.ok) return checked.value;
  throw permanentFailure(checked.problem);
}

/** A string var, trimmed; undefined when unset or blank. */
function text(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** @throws FlotillaError permanentFailure naming the var when a limit is not a non-negative number */
function readLimits(env: Env): Limits {
  const limits = { ...CONTROL_PLANE_CONFIG_DEFAULTS } as Limits;
  for (const key of Object.keys(CONTROL_PLANE_CONFIG_DEFAULTS) as Array<keyof Limits>) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw permanentFailure(`${key} must be a non-negative number of milliseconds, got ${String(raw)}`);
    limits[key] = value;
  }
  return limits;
}

function readHetzner(env: Env): Checked<HetznerSettings> {
  const serverTypes = { ...DEFAULT_HETZNER_SERVER_TYPES };
  for (const pair of (text(env.HETZNER_SERVER_TYPES) ?? '').split(',').filter(Boolean)) {
    const [size, type] = pair.split('=').map((s) => s.trim());
    if (!size || !type) return problem(`HETZNER_SERVER_TYPES must look like small=cx22,medium=cx32,large=cx42; got ${pair}`);
    serverTypes[size] = type;
  }
  return ok({
    baseUrl: text(env.HETZNER_API_URL) ?? HETZNER_API_URL,
    serverTypes,
    image: text(env.HETZNER_IMAGE) ?? DEFAULT_HETZNER_IMAGE,
    location: text(env.HETZNER_LOCATION) ?? DEFAULT_HETZNER_LOCATION,
  });
}

function readNodeDns(env: Env): Checked<NodeDnsSettings | null> {
  const zoneId = text(env.NODE_DNS_ZONE_ID);
  const domain = text(env.NODE_DNS_DOMAIN);
  if (!zoneId && !domain) return ok(null);
  const token = text(env.CLOUDFLARE_API_TOKEN);
  const missing = [!zoneId && 'NODE_DNS_ZONE_ID', !domain && 'NODE_DNS_DOMAIN', !token && 'CLOUDFLARE_API_TOKEN (a secret)'].filter(Boolean);
  if (missing.length > 0 || !zoneId || !domain || !token) return problem(`node DNS is half configured: set ${missing.join(' and ')} too, or unset NODE_DNS_ZONE_ID and NODE_DNS_DOMAIN`);
  const proxied = (text(env.NODE_DNS_PROXIED) ?? 'true').toLowerCase();
  if (proxied !== 'true' && proxied !== 'false') return problem(`NODE_DNS_PROXIED must be true or false, got ${proxied}`);
  return ok({ zoneId, domain: domain.toLowerCase(), proxied: proxied === 'true', apiUrl: text(env.CLOUDFLARE_API_URL) ?? CLOUDFLARE_API_URL, token });
}

/**
 * NODE_DAEMON_PORT (default 8080; 8443 with node DNS), NODE_ORIGIN_TLS (default true with node
 * DNS, else false), NODE_PUBLIC_URL_TEMPLATE (default `https://{nodeId}.<NODE_DNS_DOMAIN>:{port}`
 * with node DNS, else `http(s)://{ipv4}:{port}`).
 */
function readNodeDaemon(env: Env, nodeDns: Checked<NodeDnsSettings | null>): Checked<NodeDaemonSettings> {
  if (!nodeDns.ok) return nodeDns;
  const dns = nodeDns.value;
  const tls = text(env.NODE_ORIGIN_TLS)?.toLowerCase();
  if (tls !== undefined && tls !== 'true' && tls !== 'false') return problem(`NODE_ORIGIN_TLS must be true or false, got ${tls}`);
  const originTls = tls === undefined ? dns !== null : tls === 'true';
  const port = Number(text(env.NODE_DAEMON_PORT) ?? (dns ? 8443 : DEFAULT_DAEMON_PORT));
  if (dns?.proxied && !(CLOUDFLARE_HTTPS_PORTS as readonly number[]).includes(port)) {
    return problem(`NODE_DAEMON_PORT ${port} is not one Cloudflare proxies HTTPS on (${CLOUDFLARE_HTTPS_PORTS.join(', ')}); pick one of them or set NODE_DNS_PROXIED=false`);
  }
  const scheme = originTls ? 'https' : 'http';
  const publicUrlTemplate = text(env.NODE_PUBLIC_URL_TEMPLATE) ?? (dns ? `https://{nodeId}.${dns.domain}:{port}` : `${scheme}://{ipv4}:{port}`);
  return ok({ port, originTls, publicUrlTemplate });
}

/** DEPLOYMENT_ID when set: checked against DEPLOYMENT_ID_PATTERN (it becomes a label value of cloud servers). */
function readDeploymentId(env: Env): Checked<string | null> {
  const id = text(env.DEPLOYMENT_ID);
  if (id === undefined) return ok(null);
  if (!DEPLOYMENT_ID_PATTERN.test(id)) return problem(`DEPLOYMENT_ID must be 1–63 of A-Za-z0-9._- starting and ending with a letter or digit (it labels cloud servers), got ${id}`);
  return ok(id);
}

/** A TCP port (1–65535) from `value`, or null when unset or not one. */
function readPort(value: string | undefined): number | null {
  const port = Number(text(value));
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

function readSettings(env: Env): Settings {
  const baseUrl = text(env.BASE_URL);
  const localCloudUrl = text(env.LOCAL_CLOUD_URL);
  const localCloudSecret = text(env.LOCAL_CLOUD_SECRET);
  const nodeDns = readNodeDns(env);
  return {
    isLocalMode: text(env.DEPLOYMENT_MODE) === 'local',
    deploymentId: readDeploymentId(env),
    listenPort: readPort(env.LISTEN_PORT),
    baseUrl: baseUrl ? ok(baseUrl.replace(/\/$/, '')) : problem('BASE_URL is not set: node daemons would not know where to call back'),
    localCloudUrl: localCloudUrl ? ok(localCloudUrl) : problem('the local provider needs LOCAL_CLOUD_URL: start the control plane with `flotilla up`'),
    localCloudSecret: localCloudSecret ? ok(localCloudSecret) : problem('the local provider needs LOCAL_CLOUD_SECRET (a secret the local cloud requires): start the control plane with `flotilla up`'),
    apiToken: typeof env.FLOTILLA_API_TOKEN === 'string' && env.FLOTILLA_API_TOKEN !== '' ? env.FLOTILLA_API_TOKEN : null,
    credentialsKey: typeof env.CREDENTIALS_ENCRYPTION_KEY === 'string' && env.CREDENTIALS_ENCRYPTION_KEY !== '' ? env.CREDENTIALS_ENCRYPTION_KEY : null,
    hetzner: readHetzner(env),
    nodeDns,
    nodeDaemon: readNodeDaemon(env, nodeDns),
    repositoryCheckRewrites: parseUrlRewrites(text(env.REPOSITORY_CHECK_INSTEAD_OF)),
    priceTable: readPriceTable(env.PRICE_TABLE),
    githubApiUrl: (text(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/$/, ''),
    signIn: readSignInSettings(env),
  };
}

const cache = new WeakMap<Env, Config>();

/**
 * The config of `env` (read once per `env` object).
 * @throws FlotillaError permanentFailure (500, naming the var) when a timeout or limit var is
 *   not a non-negative number
 */
export function readConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = { ...readLimits(env), ...readSettings(env) };
    cache.set(env, config);
  }
  return config;
}
