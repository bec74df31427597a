/**
 * The egress proxy in process, on a Unix socket as in production: local HTTP servers stand for an
 * allowed host and for "the internet"; names resolve through a resolver of the test's own. An
 * allowed host is reached by CONNECT and by an absolute-form request; every other destination is
 * refused with 403 and a warning naming the host and port — names off the allowlist, IP literals
 * not listed, and names that resolve to loopback, link-local or metadata addresses.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@flotilla/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenOn } from '../workspace-sandbox/listen.js';
import { AddressPolicy } from './address-policy.js';
import { createEgressProxy, type EgressProxy } from './egress-proxy.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-egress-'));
const warnings: string[] = [];
const logger = createLogger('test', { sink: (level, line) => level === 'warn' && warnings.push(line) });
const names: Record<string, string> = { 'allowed.test': '127.0.0.1', 'metadata.allowed.test': '169.254.169.254', 'internet.test': '127.0.0.1' };
const lookup = async (host: string) => {
  const address = names[host];
  if (!address) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  return [{ address, family: 4 }];
};

const run = promisify(execFile);

/** The TCP port process `pid` listens on (socat asked for port 0), from /proc: waits until it listens. */
async function listeningPortOf(pid: number): Promise<number> {
  for (;;) {
    const inodes = new Set<string>();
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) inodes.add(match[1]);
      }
    } catch {
      // not started yet
    }
    for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) return parseInt(fields[1]?.split(':')[1] ?? '0', 16);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let allowedServer: Server;
let port: number;
const proxies: EgressProxy[] = [];

/** A proxy for the allowlist, on its own socket; `loopbackAllowed` opens 127.0.0.1 as an operator can. */
async function startProxy(name: string, allowlist: string[], loopbackAllowed: boolean): Promise<string> {
  const proxy = createEgressProxy({ workspaceId: `ws_${name}`, allowlist, addresses: new AddressPolicy(loopbackAllowed ? ['127.0.0.1/32'] : []), connectTimeoutMs: 30_000, lookup, logger });
  proxies.push(proxy);
  const endpoint = await listenOn(proxy.server, join(dir, `${name}.sock`));
  return endpoint.kind === 'socket' ? endpoint.path : '';
}

/** `GET http://<host>/` as an absolute-form request through the proxy at `socketPath`. */
function viaRequest(socketPath: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'GET', path: `http://${host}/hello` }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `CONNECT <authority>`, then (when tunnelled) a GET through the tunnel; everything the proxy sent back. */
function viaConnect(socketPath: string, authority: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const established = 'HTTP/1.1 200 Connection Established\r\n\r\n';
    let text = '';
    let sent = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!sent && text.startsWith(established)) {
        sent = true;
        socket.write('GET /through HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`);
  });
}

beforeAll(async () => {
  allowedServer = createServer((req, res) => res.end(`reached ${req.url} as ${req.headers.host}`));
  await new Promise<void>((resolve) => allowedServer.listen(0, '127.0.0.1', resolve));
  port = (allowedServer.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const proxy of proxies) {
    proxy.destroyTunnels();
    await closeServer(proxy.server);
  }
  await closeServer(allowedServer);
});

describe('the egress proxy', () => {
  it('relays an allowed host: an absolute-form request and a CONNECT tunnel', async () => {
    const proxy = await startProxy('allow', ['allowed.test'], true);
    expect(await viaRequest(proxy, `allowed.test:${port}`)).toEqual({ status: 200, body: `reached /hello as allowed.test:${port}` });
    const tunnel = await viaConnect(proxy, `allowed.test:${port}`);
    expect(tunnel).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(tunnel).toContain('reached /through');
  });

  it('refuses a host off the allowlist with 403, and logs the host and port', async () => {
    const proxy = await startProxy('refuse', ['allowed.test'], true);
    const refused = await viaRequest(proxy, `internet.test:${port}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(`internet.test:${port} refused: not on the allowlist`);
    expect(await viaConnect(proxy, `internet.test:${port}`)).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    const logged = warnings.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'egress refused');
    expect(logged).toContainEqual(expect.objectContaining({ workspaceId: 'ws_refuse', host: 'internet.test', port, reason: 'not on the allowlist' }));
  });

  it('refuses an IP address unless it is listed as it is; a wildcard never matches one', async () => {
    const proxy = await startProxy('literal', ['*.0.0.1', 'allowed.test'], true);
    expect((await viaRequest(proxy, `127.0.0.1:${port}`)).status).toBe(403);
    expect(await viaConnect(proxy, `[::1]:${port}`)).toMatch(/^HTTP\/1\.1 403/);
    const listed = await startProxy('literal-listed', ['127.0.0.1'], true);
    expect((await viaRequest(listed, `127.0.0.1:${port}`)).status).toBe(200);
  });

  it('never reaches the node\'s loopback or a metadata address, even through an allowed name or a listed address', async () => {
    const proxy = await startProxy('loopback', ['allowed.test', '*.allowed.test', '169.254.169.254'], false);
    const loopback = await viaRequest(proxy, `allowed.test:${port}`);
    expect(loopback.status).toBe(403);
    expect(loopback.body).toContain("resolves to the node's loopback (127.0.0.1)");
    expect((await viaRequest(proxy, 'metadata.allowed.test')).body).toContain('link-local');
    expect((await viaRequest(proxy, '169.254.169.254')).status).toBe(403);
  });

  it('answers 502 for a name that does not resolve, and 400 for what is not a proxy request', async () => {
    const proxy = await startProxy('misc', ['nowhere.test'], false);
    expect((await viaRequest(proxy, 'nowhere.test')).status).toBe(502);
    expect(await viaConnect(proxy, 'no-port')).toMatch(/^HTTP\/1\.1 400/);
  });
});

describe('the egress proxy behind the sandbox bridge', () => {
  // The agent reaches its proxy through socat (sandbox/bridge-script.ts). A refusal that closed the
  // connection while the client was still sending its body reset it, and through socat the client
  // got no answer at all (curl: "empty reply from server", about one time in four for 50 KB).
  it('answers a refused request that carries a body with the reason, every time', async () => {
    const socketPath = await startProxy('bridged', ['allowed.test'], false);
    const bridge = spawn('socat', ['TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork', `UNIX-CONNECT:${socketPath}`], { stdio: 'ignore' });
    try {
      const bridgePort = await listeningPortOf(bridge.pid ?? 0);
      const body = join(dir, 'body.bin');
      writeFileSync(body, Buffer.alloc(200_000, 97));
      for (let attempt = 0; attempt < 30; attempt++) {
        const { stdout } = await run('curl', ['-s', '-w', ' %{http_code}', '-x', `http://127.0.0.1:${bridgePort}`, '--data-binary', `@${body}`, 'http://internet.test/steal']).catch((error: { stdout?: string; code?: number }) => ({ stdout: `${error.stdout ?? ''} (curl exit ${error.code})` }));
        expect(stdout, `attempt ${attempt}`).toMatch(/internet\.test:80 refused: not on the allowlist.* 403$/s);
      }
    } finally {
      bridge.kill();
    }
  });
});

describe('AddressPolicy', () => {
  const policy = new AddressPolicy(['10.1.0.0/16']);
  it.each([
    ['127.0.0.1', "the node's loopback"],
    ['127.8.9.10', "the node's loopback"],
    ['::1', "the node's loopback"],
    ['::ffff:127.0.0.1', "the node's loopback"],
    ['0.0.0.0', 'an unspecified address (this node)'],
    ['169.254.169.254', 'a link-local address (cloud metadata)'],
    ['fe80::1', 'a link-local address (cloud metadata)'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['100.100.100.200', 'a cloud metadata address'],
    ['224.0.0.1', 'a multicast address'],
  ])('forbids %s (%s)', (address, what) => {
    expect(policy.problem(address)).toBe(what);
  });

  it('allows other addresses, and forbidden ones the operator opened', () => {
    expect(policy.problem('93.184.216.34')).toBeNull();
    expect(policy.problem('2606:4700::1111')).toBeNull();
    expect(new AddressPolicy(['127.0.0.1/32']).problem('127.0.0.1')).toBeNull();
    expect(new AddressPolicy(['127.0.0.1/32']).problem('127.0.0.2')).toBe("the node's loopback");
  });
});
