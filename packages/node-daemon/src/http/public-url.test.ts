import type { AddressInfo } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { primaryIpv4, resolvePublicUrl } from './public-url.js';

const bound = { address: '0.0.0.0', family: 'IPv4', port: 8080 } as AddressInfo;
const iface = (address: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4') => ({ address, internal, family }) as NetworkInterfaceInfo;
const machine = { lo: [iface('127.0.0.1', true)], eth0: [iface('2001:db8::1', false, 'IPv6'), iface('203.0.113.7', false)] };

describe('resolvePublicUrl', () => {
  it('without a template: http://<host>:<bound port>, brackets around IPv6 hosts', () => {
    expect(resolvePublicUrl(null, '127.0.0.1', { ...bound, port: 41234 }, false)).toBe('http://127.0.0.1:41234');
    expect(resolvePublicUrl(null, '::1', bound, false)).toBe('http://[::1]:8080');
  });

  it('without a template and with TLS: https://<host>:<bound port>; a template keeps its own scheme', () => {
    expect(resolvePublicUrl(null, '127.0.0.1', { ...bound, port: 41234 }, true)).toBe('https://127.0.0.1:41234');
    expect(resolvePublicUrl(null, '::1', bound, true)).toBe('https://[::1]:8080');
    expect(resolvePublicUrl('http://{ipv4}:{port}', '0.0.0.0', bound, true, machine)).toBe('http://203.0.113.7:8080');
  });

  it('fills {ipv4} with the first non-loopback IPv4 address and {port} with the bound port', () => {
    expect(resolvePublicUrl('http://{ipv4}:{port}/', '0.0.0.0', bound, false, machine)).toBe('http://203.0.113.7:8080');
    expect(resolvePublicUrl('https://node-1.nodes.example.com', '0.0.0.0', bound, false, machine)).toBe('https://node-1.nodes.example.com');
  });

  it('says so when {ipv4} cannot be filled', () => {
    expect(primaryIpv4({ lo: [iface('127.0.0.1', true)] })).toBeNull();
    expect(() => resolvePublicUrl('http://{ipv4}:{port}', '0.0.0.0', bound, false, { lo: [iface('127.0.0.1', true)] })).toThrow(/no non-loopback IPv4/);
  });
});
