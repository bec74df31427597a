/**
 * The egress proxy of one workspace (DESIGN.md §7, issue 12 item 2): its agent's only way to the
 * network (`HTTPS_PROXY`/`HTTP_PROXY` point at it). `CONNECT host:port` opens a tunnel (https and
 * anything else over TLS); an absolute-form request (`GET http://host/path`) is forwarded (plain
 * http). Each destination is decided by egress-policy.ts — allowed hosts are relayed to the address
 * that was checked; anything else is answered 403 with the reason, and logged (warn, with the
 * workspace, host and port).
 *
 * Built on Node's http and net modules: the relaying is a few pipes, and the proxy libraries on
 * npm either resolve the destination themselves after our check (a DNS-rebinding window) or drop
 * connections that have no remote address, which is every connection on a Unix socket.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { errorMessage, type Logger } from '@flotilla/kit';
import { endToEndHeaders } from '../http/hop-by-hop.js';
import type { AddressPolicy } from './address-policy.js';
import { decideEgress, normalizeHost, type EgressDecision, type EgressPolicyInput } from './egress-policy.js';

export interface EgressProxyOptions {
  workspaceId: string;
  /** The workspace's allowlist and the node's FLOTILLA_EGRESS_ALLOW. */
  allowlist: readonly string[];
  addresses: AddressPolicy;
  /** EGRESS_CONNECT_TIMEOUT_MS: limit for connecting to an allowed destination (ms). */
  connectTimeoutMs: number;
  /** Name resolution (default: the system resolver; tests give names of their own). */
  lookup?: EgressPolicyInput['lookup'];
  logger: Logger;
}

/** `host:port` of a CONNECT request (`[v6]:port` too), or null when it is not one. */
function connectTarget(authority: string | undefined): { host: string; port: number } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]@]+):(\d{1,5})$/.exec(authority ?? '');
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 1 && port <= 65_535)) return null;
  return { host: match[1], port };
}

/** An HTTP answer written on a raw socket (CONNECT), then the socket is closed. */
function answerSocket(socket: Socket, status: number, reason: string, text: string): void {
  if (socket.destroyed) return;
  const body = `${text}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * The proxy's own answer to a request (a refusal, a failure). The connection is kept open and the
 * rest of the request's body read and dropped (the caller resumes it): closing while the client
 * is still sending resets the connection, and through the sandbox's socat bridge the client then
 * gets no answer at all (curl: "empty reply from server") instead of the reason.
 */
function answer(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const refusalText = (host: string, port: number, reason: string) => `Flotilla egress proxy: ${host}:${port} refused: ${reason}. Ask for the host to be added to the project's egress allowlist.`;

export interface EgressProxy {
  /** The proxy's HTTP server (not listening yet: the caller binds it to a Unix socket or a loopback port). */
  server: Server;
  /** Cut every open tunnel (they are no longer the server's connections once established). */
  destroyTunnels(): void;
  /** Replace the allowlist for the connections from now on (a warm agent's shell becoming a project's workspace). */
  setAllowlist(allowlist: readonly string[]): void;
}

/** A workspace's egress proxy. */
export function createEgressProxy(options: EgressProxyOptions): EgressProxy {
  const logger = options.logger.child({ component: 'egress-proxy', workspaceId: options.workspaceId });
  const tunnels = new Set<Socket>();
  let allowlist = options.allowlist;

  const decide = async (host: string, port: number): Promise<EgressDecision> => {
    const decision = await decideEgress(host, { allowlist, addresses: options.addresses, ...(options.lookup ? { lookup: options.lookup } : {}) });
    if (decision.allowed) logger.debug('egress allowed', { host: normalizeHost(host), port, address: decision.address });
    else logger.warn('egress refused', { host: normalizeHost(host), port, reason: decision.reason });
    return decision;
  };

  /** Connect to an allowed address, within the connect timeout. */
  const open = (address: string, port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: address, port });
      socket.setTimeout(options.connectTimeoutMs, () => socket.destroy(new Error(`no connection within ${options.connectTimeoutMs} ms`)));
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.off('error', reject);
        resolve(socket);
      });
    });

  const tunnel = async (req: IncomingMessage, client: Socket, head: Buffer): Promise<void> => {
    client.on('error', () => client.destroy());
    const target = connectTarget(req.url);
    if (!target) {
      answerSocket(client, 400, 'Bad Request', 'Flotilla egress proxy: CONNECT needs host:port');
      return;
    }
    const decision = await decide(target.host, target.port);
    if (!decision.allowed) {
      answerSocket(client, decision.status, decision.status === 403 ? 'Forbidden' : 'Bad Gateway', refusalText(normalizeHost(target.host), target.port, decision.reason));
      return;
    }
    let upstream: Socket;
    try {
      upstream = await open(decision.address, target.port);
    } catch (error) {
      answerSocket(client, 502, 'Bad Gateway', `Flotilla egress proxy: cannot connect to ${normalizeHost(target.host)}:${target.port}: ${errorMessage(error)}`);
      return;
    }
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    tunnels.add(client).add(upstream);
    pipeline(client, upstream, client, () => {
      client.destroy();
      upstream.destroy();
      tunnels.delete(client);
      tunnels.delete(upstream);
    });
  };

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      req.resume();
      answer(res, 400, 'Flotilla egress proxy: requests must name their destination (absolute-form, http://host/path); use CONNECT for https');
      return;
    }
    if (url.protocol !== 'http:') {
      req.resume();
      answer(res, 400, `Flotilla egress proxy: only http:// URLs are forwarded as requests; use CONNECT for ${url.protocol}`);
      return;
    }
    const port = Number(url.port || 80);
    const decision = await decide(url.hostname, port);
    if (!decision.allowed) {
      req.resume();
      answer(res, decision.status, refusalText(normalizeHost(url.hostname), port, decision.reason));
      return;
    }
    const headers = { ...endToEndHeaders(req.headers), host: url.host };
    const upstream = httpRequest({ host: decision.address, port, method: req.method, path: `${url.pathname}${url.search}`, headers, setHost: false, agent: false });
    // A limit for connecting only: it is lifted once connected (an answer may take its time).
    upstream.setTimeout(options.connectTimeoutMs, () => upstream.destroy(new Error(`no connection within ${options.connectTimeoutMs} ms`)));
    upstream.once('socket', (socket) => socket.once('connect', () => upstream.setTimeout(0)));
    upstream.on('error', (error) => {
      req.unpipe(upstream);
      req.resume();
      answer(res, 502, `Flotilla egress proxy: ${normalizeHost(url.hostname)}:${port} failed: ${errorMessage(error)}`);
    });
    upstream.once('response', (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.statusMessage, endToEndHeaders(reply.headers));
      pipeline(reply, res, () => undefined);
    });
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      logger.error('egress request failed', { error: errorMessage(error) });
      answer(res, 502, 'Flotilla egress proxy: internal error');
    });
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnel(req, client, head).catch((error: unknown) => {
      logger.error('egress tunnel failed', { error: errorMessage(error) });
      client.destroy();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return {
    server,
    destroyTunnels() {
      for (const socket of tunnels) socket.destroy();
      tunnels.clear();
    },
    setAllowlist(next) {
      allowlist = next;
    },
  };
}
