/**
 * An agent's only ways out, on a real daemon with real bubblewrap (DESIGN.md §7): its model
 * gateway and its egress proxy. The scripted agent's `run:` lines call them with curl and write
 * what they got into its checkout. The gateway: the fake Anthropic API (testkit) sees the node's
 * real key — or its OAuth token as a bearer token — while the agent only ever held the workspace
 * token; a wrong token gets 401; the usage reaches the task callback. The proxy: an allowed host
 * (a local server under a name on the node's FLOTILLA_EGRESS_ALLOW, its loopback address opened by
 * FLOTILLA_EGRESS_ALLOW_ADDRESSES as an operator may) is reached by a request and by a tunnel; a
 * local server standing for the internet is refused by name and by address, and the refusal is
 * logged with its host and port; a direct connection without the proxy goes nowhere.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { runDaemonTask, startDaemonProcess, startFakeControlPlane, type DaemonProcess, type FakeControlPlane } from '@flotilla/testkit/daemon';

const API_KEY = `sk-ant-canary-${randomUUID()}`;
const OAUTH_TOKEN = `sk-ant-oat01-canary-${randomUUID()}`;
const INTERNET_NAME = hostname().toLowerCase();

let cp: FakeControlPlane;
let fake: FakeAnthropic;
let allowed: Server;
let internet: Server;
let internetHits = 0;
const daemons: DaemonProcess[] = [];

const portOf = (server: Server) => (server.address() as AddressInfo).port;

async function startDaemon(nodeId: string, env: Record<string, string>): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ nodeId, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(nodeId), env: { FLOTILLA_LOG_LEVEL: 'debug', ...env } });
  daemons.push(daemon);
  return daemon;
}

/** A curl of the gateway with the agent's own variables, writing the status code and answer. */
const CALL_GATEWAY = `run: curl -s -o gateway-answer.txt -w '%{http_code}' "$ANTHROPIC_BASE_URL/v1/messages" -H "x-api-key: $ANTHROPIC_API_KEY" -H 'content-type: application/json' -H 'anthropic-beta: tools-1' -d '{"model":"claude-test","max_tokens":16,"messages":[{"role":"user","content":"hello"}]}' > gateway-status.txt`;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  fake = await startFakeAnthropic({ script: [{ text: 'Hello from the model.' }] });
  allowed = createServer((req, res) => res.end(`allowed server: ${req.url}`));
  internet = createServer((_req, res) => {
    internetHits += 1;
    res.end('the internet');
  });
  await Promise.all([allowed, internet].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
});

afterAll(async () => {
  for (const daemon of daemons) await daemon.stop();
  await cp?.close();
  await fake?.close();
  allowed?.close();
  internet?.close();
});

describe('the model gateway', () => {
  it('hands the model API the node\'s key while the agent holds the workspace token; a wrong token gets 401; the usage reaches the task callback', async () => {
    const daemon = await startDaemon('nod_gw_key', { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: API_KEY });
    const before = fake.requests.length;
    const { callback, read } = await runDaemonTask(
      daemon,
      cp,
      'nod_gw_key',
      [CALL_GATEWAY, `run: curl -s -o /dev/null -w '%{http_code}' "$ANTHROPIC_BASE_URL/v1/messages" -H 'x-api-key: sk-ant-guessed' -d '{}' > wrong-status.txt`, 'run: echo "$ANTHROPIC_API_KEY" > token.txt'].join('\n'),
    );

    expect(read('gateway-status.txt')).toBe('200');
    expect(JSON.parse(read('gateway-answer.txt'))).toMatchObject({ type: 'message', usage: { input_tokens: expect.any(Number) } });
    expect(read('wrong-status.txt')).toBe('401');
    const token = read('token.txt').trim();
    expect(token).toMatch(/^flt_gw_/);
    // The model API saw exactly one request — the right one — with the node's key, never the token.
    const seen = fake.requests.slice(before);
    expect(seen.map((request) => request.apiKeySha256)).toEqual([sha256Hex(API_KEY)]);
    expect(JSON.stringify(seen)).not.toContain(token);
    expect(daemon.logs()).not.toContain(token);
    expect(daemon.logs()).not.toContain(API_KEY);
    // The usage the answer reported is the task's.
    expect(callback.body).toMatchObject({ status: 'completed', usage: { requests: 1, inputTokens: expect.any(Number), outputTokens: expect.any(Number) } });
    if (callback.body.status === 'completed') expect(callback.body.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('sends a subscription\'s OAuth token as a bearer token with the OAuth beta flag', async () => {
    const daemon = await startDaemon('nod_gw_oauth', { ANTHROPIC_BASE_URL: fake.url, CLAUDE_CODE_OAUTH_TOKEN: OAUTH_TOKEN });
    const before = fake.requests.length;
    const { read } = await runDaemonTask(daemon, cp, 'nod_gw_oauth', [CALL_GATEWAY, 'run: env > env.txt'].join('\n'));
    expect(read('gateway-status.txt')).toBe('200');
    const [request, ...more] = fake.requests.slice(before);
    expect(more).toEqual([]);
    expect(request?.bearerTokenSha256).toBe(sha256Hex(OAUTH_TOKEN));
    expect(request?.apiKeySha256).toBeUndefined();
    expect(request?.headers['anthropic-beta']).toBe('tools-1,oauth-2025-04-20');
    expect(read('env.txt')).not.toContain(OAUTH_TOKEN);
  });
});

describe('the egress proxy', () => {
  it('relays an allowed host; refuses the internet by name and by address, logging it; no direct connection', async () => {
    const daemon = await startDaemon('nod_egress', { FLOTILLA_EGRESS_ALLOW: 'localhost', FLOTILLA_EGRESS_ALLOW_ADDRESSES: '127.0.0.1/32' });
    const [a, i] = [portOf(allowed), portOf(internet)];
    // `--noproxy ''`: through the proxy although NO_PROXY names localhost (where the gateway's bridge is).
    const { callback, read } = await runDaemonTask(
      daemon,
      cp,
      'nod_egress',
      [
        `run: curl -s --noproxy '' http://localhost:${a}/by-request > allowed.txt`,
        `run: curl -s --noproxy '' -p http://localhost:${a}/by-tunnel > tunnelled.txt`,
        `run: curl -s --noproxy '' -w ' %{http_code}' http://${INTERNET_NAME}:${i}/ > refused-name.txt`,
        `run: curl -s --noproxy '' -w ' %{http_code}' http://127.0.0.1:${i}/ > refused-address.txt`,
        `run: curl -s --noproxy '' -p -o /dev/null -w '%{http_connect}' https://${INTERNET_NAME}:${i}/ > refused-tunnel.txt; true`,
        `run: curl -s -m 10 --noproxy '*' http://127.0.0.1:${a}/direct > direct.txt 2>&1 || echo no-direct-connection >> direct.txt`,
      ].join('\n'),
    );
    expect(callback.body.status).toBe('completed');
    expect(read('allowed.txt')).toBe('allowed server: /by-request');
    expect(read('tunnelled.txt')).toBe('allowed server: /by-tunnel');
    expect(read('refused-name.txt')).toMatch(new RegExp(`^Flotilla egress proxy: ${INTERNET_NAME}:${i} refused: not on the allowlist.*\\n 403$`, 's'));
    expect(read('refused-address.txt')).toMatch(/refused: an IP address that is not on the allowlist.*403$/s);
    expect(read('refused-tunnel.txt')).toBe('403');
    expect(read('direct.txt')).toBe('no-direct-connection\n');
    expect(internetHits).toBe(0);
    const refusals = daemon
      .logs()
      .split('\n')
      .filter((line) => line.includes('"egress refused"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(refusals).toContainEqual(expect.objectContaining({ level: 'warn', host: INTERNET_NAME, port: i, reason: 'not on the allowlist', workspaceId: expect.any(String) }));
    expect(refusals).toContainEqual(expect.objectContaining({ host: '127.0.0.1', port: i }));
  });
});
