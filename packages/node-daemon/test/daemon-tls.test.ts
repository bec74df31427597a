/**
 * The node daemon serving TLS (FLOTILLA_TLS_CERT_FILE / FLOTILLA_TLS_KEY_FILE), as a real process
 * with a self-signed certificate made by the `openssl` CLI — what a cloud node behind Cloudflare's
 * "Full" SSL mode runs. It announces an `https://` URL; its API answers over HTTPS to a client
 * trusting that certificate and not over plain HTTP on the same port; the agent's direct channel
 * upgrades over wss (refusals from its auth check, then a real viewer connection replaying the
 * agent's updates). A TLS file that cannot be read stops the start, naming its variable and path.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtAudience, JWT_ISSUER, type AgentStreamEvent } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonApi, type ApiResponse, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, startAgentWorkspace } from '@flotilla/testkit/daemon';
import WebSocket from 'ws';

const NODE_ID = 'nod_tls';
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let tlsDir: string;
let ca: string;

/** A self-signed P-256 certificate for localhost/127.0.0.1 and its key, in a new temp dir. */
function selfSignedCertificate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-daemon-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', 'key.pem', '-out', 'cert.pem'],
    { cwd: dir, stdio: 'pipe' },
  );
  return dir;
}

/** One HTTPS request trusting only `ca`; answers status and parsed JSON body. */
function httpsJson<T>(url: string, options: { method?: string; body?: unknown; token?: string } = {}): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const request = httpsRequest(url, { method: options.method ?? 'GET', headers, ca }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T }));
    });
    request.once('error', reject);
    request.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

/** The daemon API over HTTPS (the test support's `daemonApi` uses fetch, which cannot be given a CA). */
function httpsDaemonApi(baseUrl: string, token: string): DaemonApi {
  return {
    request: <T>(method: string, path: string, body?: unknown, own: string | null = token) =>
      httpsJson<T>(`${baseUrl}${path}`, { method, body, ...(own === null ? {} : { token: own }) }),
  };
}

/** Open a WebSocket; answers `open` or the HTTP refusal (status and JSON body) of the upgrade. */
function upgrade(url: string): Promise<{ socket: WebSocket; events: AgentStreamEvent[] } | { status: number; body: { error: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { ca });
    const events: AgentStreamEvent[] = [];
    socket.on('message', (data: Buffer) => events.push(JSON.parse(data.toString('utf8')) as AgentStreamEvent));
    socket.once('open', () => resolve({ socket, events }));
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { error: { code: string } } }));
    });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  tlsDir = selfSignedCertificate();
  ca = readFileSync(join(tlsDir, 'cert.pem'), 'utf8');
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({
    nodeId: NODE_ID,
    controlPlaneUrl: cp.url,
    callbackToken: await cp.callbackToken(NODE_ID),
    env: { FLOTILLA_TLS_CERT_FILE: join(tlsDir, 'cert.pem'), FLOTILLA_TLS_KEY_FILE: join(tlsDir, 'key.pem') },
  });
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

describe('the daemon with a TLS certificate', () => {
  it('announces an https:// URL, to the control plane too', async () => {
    expect(daemon.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ready = await cp.waitFor(() => cp.nodeReady.find((r) => r.id === NODE_ID), 10_000, 'nodeReady');
    expect(ready.body.url).toBe(daemon.url);
  });

  it('answers /health over HTTPS to a client trusting its certificate', async () => {
    expect(await httpsJson(`${daemon.url}/health`)).toEqual({ status: 200, body: { status: 'ok', nodeId: NODE_ID, version: expect.any(String) } });
  });

  it('does not answer plain HTTP on its port', async () => {
    const plain = daemon.url.replace(/^https:/, 'http:');
    const outcome = await new Promise<string>((resolve) => {
      const request = httpGet(`${plain}/health`, (response) => resolve(`HTTP ${response.statusCode}`));
      request.setTimeout(5000, () => request.destroy(new Error('timed out')));
      request.once('error', (error) => resolve(`error: ${error.message}`));
    });
    // The TLS server drops a connection that does not start with a TLS handshake.
    expect(outcome).toMatch(/^error: (socket hang up|.*ECONNRESET)/);
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(
      new Promise((resolve, reject) => httpsRequest(`${daemon.url}/health`, resolve).once('error', reject).end()),
    ).rejects.toThrow(/self-signed|self signed/);
  });

  it('upgrades the direct agent channel over wss: auth refusals, then a viewer replaying the agent', async () => {
    const wss = daemon.url.replace(/^https:/, 'wss:');
    // Without a token: the daemon's own 401 for the upgrade request, sent over TLS.
    expect(await upgrade(`${wss}/workspaces/ws_none/agent/ws`)).toEqual({ status: 401, body: { error: expect.objectContaining({ code: 'unauthorized' }) } });
    // A valid viewer token is verified (the keys fetched from the control plane); no agent runs there.
    const noAgent = await cp.sign({ aud: JwtAudience.workspaceTerminal, sub: NODE_ID, iss: JWT_ISSUER, workspaceId: 'ws_none' });
    expect(await upgrade(`${wss}/workspaces/ws_none/agent/ws?token=${noAgent}`)).toMatchObject({ status: 404 });

    const api = httpsDaemonApi(daemon.url, await cp.managementToken(NODE_ID));
    const { workspaceId } = await startAgentWorkspace(api, cp, { nodeId: NODE_ID, prompt: 'say: hello over tls' });
    const token = await cp.sign({ aud: JwtAudience.workspaceTerminal, sub: NODE_ID, iss: JWT_ISSUER, workspaceId });
    const viewer = await upgrade(`${wss}/workspaces/${workspaceId}/agent/ws?token=${token}`);
    if (!('socket' in viewer)) throw new Error(`upgrade refused: ${JSON.stringify(viewer)}`);
    const texts = () =>
      viewer.events.flatMap((e) => (e.type === 'update' && e.update.sessionUpdate === 'agent_message_chunk' ? [(e.update['content'] as { text: string }).text] : []));
    await cp.waitFor(() => (texts().join('').includes('hello over tls') ? true : undefined), 30_000, 'the agent text over wss');
    viewer.socket.close();
  });
});

describe('the daemon with an unreadable TLS file', () => {
  it('does not start, and says which variable and path', async () => {
    const missing = join(tlsDir, 'no-such-key.pem');
    const start = startDaemonProcess({
      nodeId: 'nod_tls_broken',
      controlPlaneUrl: cp.url,
      callbackToken: await cp.callbackToken('nod_tls_broken'),
      env: { FLOTILLA_TLS_CERT_FILE: join(tlsDir, 'cert.pem'), FLOTILLA_TLS_KEY_FILE: missing },
    });
    await expect(start).rejects.toThrow(`FLOTILLA_TLS_KEY_FILE: cannot read ${missing}`);
  });

  it('does not start when key and certificate do not belong together', async () => {
    const other = selfSignedCertificate();
    const start = startDaemonProcess({
      nodeId: 'nod_tls_mismatch',
      controlPlaneUrl: cp.url,
      callbackToken: await cp.callbackToken('nod_tls_mismatch'),
      env: { FLOTILLA_TLS_CERT_FILE: join(tlsDir, 'cert.pem'), FLOTILLA_TLS_KEY_FILE: join(other, 'key.pem') },
    });
    await expect(start).rejects.toThrow(/are not a matching PEM certificate and key/);
  });
});
