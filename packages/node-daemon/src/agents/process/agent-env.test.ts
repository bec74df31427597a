/** The environment of a sandboxed agent and of a terminal's shell: only what they need, the gateway token the only secret-like value. */
import { describe, expect, it } from 'vitest';
import { buildAgentEnv, buildSandboxEnv } from './agent-env.js';

const sourceEnv = { PATH: '/bin', LANG: 'C.UTF-8', TERM: 'dumb', SECRET_OF_DAEMON: 'x', EXTRA: 'e', HOME: '/root', TMPDIR: '/tmp', FLOTILLA_CALLBACK_TOKEN: 'jwt' };
const base = { home: '/data/sandboxes/ws_1/home', tmp: '/data/sandboxes/ws_1/tmp', proxyUrl: 'http://127.0.0.1:3128', sourceEnv };
const proxy = {
  HTTPS_PROXY: 'http://127.0.0.1:3128',
  HTTP_PROXY: 'http://127.0.0.1:3128',
  https_proxy: 'http://127.0.0.1:3128',
  http_proxy: 'http://127.0.0.1:3128',
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
};

describe('buildAgentEnv', () => {
  it('gives PATH, LANG, TERM, passthrough names, its sandbox HOME and TMPDIR, IS_SANDBOX, the proxy, its type\'s settings and the gateway — nothing else', () => {
    const env = buildAgentEnv({
      ...base,
      passthrough: ['EXTRA', 'MISSING'],
      agentEnv: {
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:4141',
        ANTHROPIC_API_KEY: 'flt_gw_token',
      },
    });
    expect(env).toEqual({
      PATH: '/bin',
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      EXTRA: 'e',
      HOME: base.home,
      TMPDIR: base.tmp,
      IS_SANDBOX: '1',
      ...proxy,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4141',
      ANTHROPIC_API_KEY: 'flt_gw_token',
    });
  });

  it('does not let a passthrough name replace HOME, TMPDIR, the proxy or the gateway token', () => {
    const env = buildAgentEnv({
      ...base,
      passthrough: ['HOME', 'TMPDIR', 'HTTPS_PROXY', 'ANTHROPIC_API_KEY'],
      sourceEnv: { HOME: '/root', TMPDIR: '/tmp', HTTPS_PROXY: 'http://evil', ANTHROPIC_API_KEY: 'sk-real' },
      agentEnv: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4141', ANTHROPIC_API_KEY: 'flt_gw_token' },
    });
    expect(env).toMatchObject({ HOME: base.home, TMPDIR: base.tmp, HTTPS_PROXY: 'http://127.0.0.1:3128', ANTHROPIC_API_KEY: 'flt_gw_token' });
  });

  it("does not let an agent definition's variables replace HOME, TMPDIR or the proxy", () => {
    const env = buildAgentEnv({ ...base, passthrough: [], agentEnv: { HOME: '/elsewhere', TMPDIR: '/tmp', no_proxy: '*', CODEX_HOME: `${base.home}/.codex` } });
    expect(env).toMatchObject({ HOME: base.home, TMPDIR: base.tmp, no_proxy: '127.0.0.1,localhost', CODEX_HOME: `${base.home}/.codex` });
  });
});

describe('buildSandboxEnv (a terminal\'s shell)', () => {
  it('is the agent\'s environment without its type\'s settings and without the gateway', () => {
    expect(buildSandboxEnv({ ...base, passthrough: [] })).toEqual({ PATH: '/bin', LANG: 'C.UTF-8', TERM: 'dumb', HOME: base.home, TMPDIR: base.tmp, IS_SANDBOX: '1', ...proxy });
  });
});
