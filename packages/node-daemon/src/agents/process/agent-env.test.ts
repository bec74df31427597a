/** The environment of an agent process: allow-list, its own HOME, credentials, passthrough names, its type's variables. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAgentEnv } from './agent-env.js';

describe('buildAgentEnv', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agent-env-'));
  const sourceEnv = { PATH: '/bin', LANG: 'C.UTF-8', SECRET_OF_DAEMON: 'x', EXTRA: 'e', HOME: '/root' };

  it('gives an allow-list, its own HOME, credentials, passthrough names and its agent type\'s variables only', () => {
    const env = buildAgentEnv({
      agentType: 'claude-code',
      dataDir,
      credentials: { ANTHROPIC_API_KEY: 'sk' },
      passthrough: ['EXTRA', 'MISSING'],
      sourceEnv,
      isRoot: false,
    });
    expect(env).toEqual({
      PATH: '/bin',
      LANG: 'C.UTF-8',
      EXTRA: 'e',
      HOME: join(dataDir, 'agent-home', 'claude-code'),
      ANTHROPIC_API_KEY: 'sk',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    });
    expect(existsSync(env.HOME!)).toBe(true);
  });

  it('adds the quiet-mode variables for claude-code, and IS_SANDBOX only as root', () => {
    const asRoot = buildAgentEnv({ agentType: 'claude-code', dataDir, credentials: {}, passthrough: [], sourceEnv, isRoot: true });
    expect(asRoot).toMatchObject({
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      IS_SANDBOX: '1',
    });
    const asUser = buildAgentEnv({ agentType: 'claude-code', dataDir, credentials: {}, passthrough: [], sourceEnv, isRoot: false });
    expect(asUser.IS_SANDBOX).toBeUndefined();
  });

  it('does not let a passthrough name replace HOME or a credential', () => {
    const env = buildAgentEnv({
      agentType: 'claude-code',
      dataDir,
      credentials: { ANTHROPIC_API_KEY: 'sk' },
      passthrough: ['HOME', 'ANTHROPIC_API_KEY'],
      sourceEnv: { HOME: '/root', ANTHROPIC_API_KEY: 'other' },
      isRoot: false,
    });
    expect(env.HOME).toBe(join(dataDir, 'agent-home', 'claude-code'));
    expect(env.ANTHROPIC_API_KEY).toBe('sk');
  });
});
