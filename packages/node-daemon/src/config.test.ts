import { describe, expect, it } from 'vitest';
import { CONTAINMENT_DEFAULTS, ConfigError, DEFAULTS, readConfig } from './config.js';

const base = {
  FLOTILLA_NODE_ID: 'nod_1',
  FLOTILLA_CONTROL_PLANE_URL: 'http://127.0.0.1:8787/',
  FLOTILLA_CALLBACK_TOKEN: 'token',
  FLOTILLA_DATA_DIR: '/tmp/data',
};
const noFile = (): string => {
  throw new Error('ENOENT');
};

describe('readConfig', () => {
  it('applies the documented defaults', () => {
    const config = readConfig(base, noFile);
    expect(config).toMatchObject({
      nodeId: 'nod_1',
      controlPlaneUrl: 'http://127.0.0.1:8787',
      host: DEFAULTS.host,
      port: 0,
      publicUrl: null,
      tls: null,
      heartbeatIntervalMs: 15_000,
      gitCloneTimeoutMs: 300_000,
      gitPushTimeoutMs: 120_000,
      acpInitializeTimeoutMs: 60_000,
      callbackRetryMaxElapsedMs: 120_000,
      agentEnvPassthrough: [],
      agentCommandOverrides: {},
    });
  });

  it('names the missing variable', () => {
    const { FLOTILLA_DATA_DIR: _, ...rest } = base;
    expect(() => readConfig(rest, noFile)).toThrow(new ConfigError('FLOTILLA_DATA_DIR', 'is required'));
  });

  it('names the invalid variable', () => {
    expect(() => readConfig({ ...base, FLOTILLA_PORT: 'abc' }, noFile)).toThrow(/FLOTILLA_PORT/);
    expect(() => readConfig({ ...base, FLOTILLA_PORT: '70000' }, noFile)).toThrow(/FLOTILLA_PORT/);
    expect(() => readConfig({ ...base, FLOTILLA_CONTROL_PLANE_URL: 'not a url' }, noFile)).toThrow(
      /FLOTILLA_CONTROL_PLANE_URL/,
    );
    expect(() => readConfig({ ...base, AGENT_ENV_PASSTHROUGH: 'OK,not-valid' }, noFile)).toThrow(
      /AGENT_ENV_PASSTHROUGH/,
    );
    expect(() => readConfig({ ...base, FLOTILLA_AGENT_COMMAND_CLAUDE_CODE: '"node"' }, noFile)).toThrow(
      /FLOTILLA_AGENT_COMMAND_CLAUDE_CODE/,
    );
  });

  it('reads the token from FLOTILLA_CALLBACK_TOKEN_FILE', () => {
    const { FLOTILLA_CALLBACK_TOKEN: _, ...rest } = base;
    const config = readConfig({ ...rest, FLOTILLA_CALLBACK_TOKEN_FILE: '/run/token' }, (path) =>
      path === '/run/token' ? 'from-file\n' : noFile(),
    );
    expect(config.callbackToken).toBe('from-file');
    expect(() => readConfig(rest, noFile)).toThrow(/FLOTILLA_CALLBACK_TOKEN/);
  });

  it('takes the TLS certificate and key files together, and names the one missing', () => {
    const tls = { FLOTILLA_TLS_CERT_FILE: '/etc/flotilla/tls/cert.pem', FLOTILLA_TLS_KEY_FILE: ' /etc/flotilla/tls/key.pem ' };
    expect(readConfig({ ...base, ...tls }, noFile).tls).toEqual({ certFile: '/etc/flotilla/tls/cert.pem', keyFile: '/etc/flotilla/tls/key.pem' });
    expect(readConfig({ ...base, FLOTILLA_TLS_CERT_FILE: ' ', FLOTILLA_TLS_KEY_FILE: '' }, noFile).tls).toBeNull();
    const certOnly = () => readConfig({ ...base, FLOTILLA_TLS_CERT_FILE: tls.FLOTILLA_TLS_CERT_FILE }, noFile);
    expect(certOnly).toThrow(ConfigError);
    expect(certOnly).toThrow(/^FLOTILLA_TLS_KEY_FILE: is required when FLOTILLA_TLS_CERT_FILE is set$/);
    const keyOnly = () => readConfig({ ...base, FLOTILLA_TLS_KEY_FILE: tls.FLOTILLA_TLS_KEY_FILE }, noFile);
    expect(keyOnly).toThrow(ConfigError);
    expect(keyOnly).toThrow(/^FLOTILLA_TLS_CERT_FILE: is required when FLOTILLA_TLS_KEY_FILE is set$/);
  });

  it('parses passthrough names and agent command overrides', () => {
    const config = readConfig(
      { ...base, AGENT_ENV_PASSTHROUGH: ' A_B , C ', FLOTILLA_AGENT_COMMAND_CLAUDE_CODE: '["node","agent.mjs"]' },
      noFile,
    );
    expect(config.agentEnvPassthrough).toEqual(['A_B', 'C']);
    expect(config.agentCommandOverrides).toEqual({ 'claude-code': ['node', 'agent.mjs'] });
  });

  it('reads FLOTILLA_WARM_AGENT (none by default) and names it when it is no warm agent', () => {
    expect(readConfig(base, noFile).warmAgent).toBeNull();
    const spec = { workspaceId: 'ws_1', agentSessionId: 'as_1', agentType: 'claude-code' };
    expect(readConfig({ ...base, FLOTILLA_WARM_AGENT: JSON.stringify(spec) }, noFile).warmAgent).toEqual(spec);
    expect(() => readConfig({ ...base, FLOTILLA_WARM_AGENT: 'ws_1' }, noFile)).toThrow(/^FLOTILLA_WARM_AGENT: must be JSON/);
    expect(() => readConfig({ ...base, FLOTILLA_WARM_AGENT: JSON.stringify({ ...spec, agentType: 'nope' }) }, noFile)).toThrow(/^FLOTILLA_WARM_AGENT: is not a warm agent: agentType/);
  });

  it('reads the egress proxy\'s and the model gateway\'s settings, with their defaults', () => {
    expect(readConfig(base, noFile)).toMatchObject({
      egress: { allow: [], allowAddresses: [], connectTimeoutMs: CONTAINMENT_DEFAULTS.egressConnectTimeoutMs },
      modelGateway: { requestTimeoutMs: 600_000, maxBodyBytes: 32 * 1024 * 1024 },
    });
    const config = readConfig(
      { ...base, FLOTILLA_EGRESS_ALLOW: ' Example.com, *.internal.test ', FLOTILLA_EGRESS_ALLOW_ADDRESSES: '127.0.0.1, 10.0.0.0/8, ::1', MODEL_GATEWAY_MAX_BODY_BYTES: '2048' },
      noFile,
    );
    expect(config.egress.allow).toEqual(['example.com', '*.internal.test']);
    expect(config.egress.allowAddresses).toEqual(['127.0.0.1/32', '10.0.0.0/8', '::1/128']);
    expect(config.modelGateway.maxBodyBytes).toBe(2048);
    expect(() => readConfig({ ...base, FLOTILLA_EGRESS_ALLOW: 'https://example.com' }, noFile)).toThrow(/^FLOTILLA_EGRESS_ALLOW: /);
    expect(() => readConfig({ ...base, FLOTILLA_EGRESS_ALLOW_ADDRESSES: '127.0.0.1/33' }, noFile)).toThrow(/^FLOTILLA_EGRESS_ALLOW_ADDRESSES: /);
    expect(() => readConfig({ ...base, FLOTILLA_EGRESS_ALLOW_ADDRESSES: 'localhost' }, noFile)).toThrow(/^FLOTILLA_EGRESS_ALLOW_ADDRESSES: /);
  });
});
