/**
 * Settings read and checked in one place (config.ts): defaults and overrides of the limits, a
 * bad number refused naming its var, and string settings whose problem is kept until they are
 * needed (`setting`), each naming what to set.
 */
import { CONTROL_PLANE_CONFIG_DEFAULTS } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { readConfig, setting } from './config.js';

const configOf = (vars: Record<string, string>) => readConfig({ ...env, ...vars });

describe('readConfig', () => {
  it('takes each limit from its var, else its default', () => {
    const config = configOf({ STEP_POLL_INTERVAL_MS: '40' });
    expect(config.STEP_POLL_INTERVAL_MS).toBe(40);
    expect(config.MAX_AUTO_NODE_LIFETIME_MS).toBe(CONTROL_PLANE_CONFIG_DEFAULTS.MAX_AUTO_NODE_LIFETIME_MS);
  });

  it('refuses a limit that is not a non-negative number, naming it', () => {
    expect(() => configOf({ STEP_POLL_INTERVAL_MS: 'soon' })).toThrow(/STEP_POLL_INTERVAL_MS must be a non-negative number of milliseconds, got soon/);
    expect(() => configOf({ NODE_MAX_WORKSPACES: '-1' })).toThrow(/NODE_MAX_WORKSPACES/);
  });

  it('reads string settings: local mode, the base URL without its slash, the API token', () => {
    const config = configOf({ BASE_URL: 'http://127.0.0.1:8787/', FLOTILLA_API_TOKEN: 'secret-token' });
    expect(config).toMatchObject({ isLocalMode: true, apiToken: 'secret-token' });
    expect(setting(config.baseUrl)).toBe('http://127.0.0.1:8787');
    expect(configOf({ DEPLOYMENT_MODE: 'deployed' }).isLocalMode).toBe(false);
  });

  it('keeps the problem of a missing or invalid setting until it is needed, naming what to set', () => {
    const config = configOf({ BASE_URL: '', NODE_DNS_ZONE_ID: 'zone', HETZNER_SERVER_TYPES: 'small' });
    expect(() => setting(config.baseUrl)).toThrow(/BASE_URL is not set/);
    expect(() => setting(config.nodeDns)).toThrow(/node DNS is half configured: set NODE_DNS_DOMAIN and CLOUDFLARE_API_TOKEN \(a secret\) too/);
    expect(() => setting(config.nodeDaemon)).toThrow(/node DNS is half configured/);
    expect(() => setting(config.hetzner)).toThrow(/HETZNER_SERVER_TYPES must look like small=cx22/);
    expect(() => setting(configOf({ NODE_ORIGIN_TLS: 'maybe' }).nodeDaemon)).toThrow(/NODE_ORIGIN_TLS must be true or false, got maybe/);
  });

  it('derives how a VM daemon listens from node DNS', () => {
    expect(setting(configOf({}).nodeDaemon)).toEqual({ port: 8080, originTls: false, publicUrlTemplate: 'http://{ipv4}:{port}' });
    const dns = configOf({ NODE_DNS_ZONE_ID: 'zone', NODE_DNS_DOMAIN: 'Nodes.Example.com', CLOUDFLARE_API_TOKEN: 'cf-token' });
    expect(setting(dns.nodeDns)).toMatchObject({ zoneId: 'zone', domain: 'nodes.example.com', proxied: true });
    expect(setting(dns.nodeDaemon)).toEqual({ port: 8443, originTls: true, publicUrlTemplate: 'https://{nodeId}.nodes.example.com:{port}' });
    expect(() => setting(configOf({ NODE_DNS_ZONE_ID: 'zone', NODE_DNS_DOMAIN: 'n.example.com', CLOUDFLARE_API_TOKEN: 't', NODE_DAEMON_PORT: '9000' }).nodeDaemon)).toThrow(/NODE_DAEMON_PORT 9000 is not one Cloudflare proxies HTTPS on/);
  });
});
