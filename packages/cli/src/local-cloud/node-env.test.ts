/**
 * A local node daemon's environment (node-env.ts): the CLI's secrets stay out, the daemon's
 * settings, agent credentials and pass-through names go in, the node's own settings win, and the
 * CLI's state directory joins FLOTILLA_SANDBOX_HIDE. Every variable the README documents for the
 * node daemon is handed on (or set by the local cloud itself), so a new daemon setting cannot be
 * silently dropped for local nodes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_CREDENTIAL_ENV } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.js';
import { DAEMON_SETTING_PREFIXES, isNodeDaemonVariable, nodeDaemonEnv, SET_BY_LOCAL_CLOUD } from './node-env.js';

const node = { nodeId: 'nod_abc', controlPlaneUrl: 'http://127.0.0.1:8787', callbackTokenFile: '/state/nodes/nod_abc/callback-token', dataDir: '/state/nodes/nod_abc/data', port: 41234 };

/** The variable names in the README's "Node daemon" configuration table. */
function readmeDaemonVariables(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('| Node daemon | Default | Meaning |');
  if (start < 0) throw new Error('README.md has no "Node daemon" configuration table');
  const rows = readme.slice(start).split('\n\n')[0]?.split('\n').slice(2) ?? [];
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*(?:<[A-Z]+>)?)`/g)].map((m) => m[1] ?? ''));
}

describe('nodeDaemonEnv', () => {
  it("takes only what a node daemon needs from the CLI's environment; the node's own settings win", () => {
    const env = nodeDaemonEnv(
      {
        inherited: {
          PATH: '/usr/bin',
          HOME: '/home/dev',
          LANG: 'C.UTF-8',
          TZ: 'UTC',
          FLOTILLA_API_TOKEN: 'api-token',
          FLOTILLA_HOME: '/state',
          CLOUDFLARE_API_TOKEN: 'cf-token',
          HETZNER_TOKEN: 'hz',
          SSH_AUTH_SOCK: '/run/user/1000/ssh',
          GIT_CONFIG_COUNT: '1',
          CLAUDE_CODE_OAUTH_TOKEN: 'oauth',
          AGENT_ENV_PASSTHROUGH: 'MY_TOOL_URL, bad name',
          MY_TOOL_URL: 'http://tool',
          FLOTILLA_AGENT_COMMAND_CLAUDE_CODE: '["agent"]',
          FLOTILLA_SANDBOX_WRITE: '/logs',
          FLOTILLA_UNSAFE_NO_SANDBOX: '1',
          MSG_BATCH_MAX_SIZE: '10',
          FLOTILLA_PORT: '1',
          FLOTILLA_CALLBACK_TOKEN: 'someone-else',
          FLOTILLA_PUBLIC_URL: 'http://elsewhere',
          UNRELATED: 'x',
        },
        hide: ['/state'],
      },
      node,
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/dev',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      CLAUDE_CODE_OAUTH_TOKEN: 'oauth',
      AGENT_ENV_PASSTHROUGH: 'MY_TOOL_URL, bad name',
      MY_TOOL_URL: 'http://tool',
      FLOTILLA_AGENT_COMMAND_CLAUDE_CODE: '["agent"]',
      FLOTILLA_SANDBOX_WRITE: '/logs',
      FLOTILLA_UNSAFE_NO_SANDBOX: '1',
      MSG_BATCH_MAX_SIZE: '10',
      FLOTILLA_SANDBOX_HIDE: '/state',
      FLOTILLA_NODE_ID: 'nod_abc',
      FLOTILLA_CONTROL_PLANE_URL: 'http://127.0.0.1:8787',
      FLOTILLA_CALLBACK_TOKEN_FILE: '/state/nodes/nod_abc/callback-token',
      FLOTILLA_DATA_DIR: '/state/nodes/nod_abc/data',
      FLOTILLA_HOST: '127.0.0.1',
      FLOTILLA_PORT: '41234',
    });
  });

  it('hands on settings given on purpose as they are, except what the local cloud sets; joins hidden directories', () => {
    const env = nodeDaemonEnv(
      { inherited: { FLOTILLA_SANDBOX_HIDE: '/a, /b' }, extra: { GIT_CONFIG_COUNT: '1', FLOTILLA_CALLBACK_TOKEN: 'x', FLOTILLA_NODE_ID: 'nod_other' }, hide: ['/b', '/state'] },
      node,
    );
    expect(env.GIT_CONFIG_COUNT).toBe('1');
    expect(env.FLOTILLA_CALLBACK_TOKEN).toBeUndefined();
    expect(env.FLOTILLA_NODE_ID).toBe('nod_abc');
    expect(env.FLOTILLA_SANDBOX_HIDE).toBe('/a,/b,/state');
  });

  it("hands every agent's credentials on (contracts AGENT_CREDENTIAL_ENV: Anthropic, OpenAI-compatible, Gemini), and nothing more of their vendors", () => {
    const credentials = Object.fromEntries(AGENT_CREDENTIAL_ENV.map((name) => [name, `value-of-${name}`]));
    expect(Object.keys(credentials)).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL', 'GEMINI_MODEL']));
    const env = nodeDaemonEnv({ inherited: { ...credentials, OPENAI_ORG_ID: 'org', GOOGLE_API_KEY: 'g', GOOGLE_APPLICATION_CREDENTIALS: '/creds.json' } }, node);
    for (const name of AGENT_CREDENTIAL_ENV) expect(env[name], name).toBe(`value-of-${name}`);
    expect(env).not.toHaveProperty('OPENAI_ORG_ID');
    expect(env).not.toHaveProperty('GOOGLE_API_KEY');
    expect(env).not.toHaveProperty('GOOGLE_APPLICATION_CREDENTIALS');
  });

  it("covers every variable of the README's node daemon table", () => {
    const documented = readmeDaemonVariables();
    expect(documented).toContain('GIT_CLONE_TIMEOUT_MS');
    expect(documented.length).toBeGreaterThan(30);
    const handled = (name: string) =>
      (SET_BY_LOCAL_CLOUD as readonly string[]).includes(name) ||
      isNodeDaemonVariable(name) ||
      DAEMON_SETTING_PREFIXES.some((prefix) => name.startsWith(prefix.replace(/_$/, '')));
    expect(documented.filter((name) => !handled(name))).toEqual([]);
  });
});
