/**
 * Claude Code through its ACP adapter (`@agentclientprotocol/claude-agent-acp`): this Node binary
 * running the adapter's bin script. It calls Anthropic's Messages API at `ANTHROPIC_BASE_URL` with
 * `ANTHROPIC_API_KEY` as `x-api-key` — here the gateway and the workspace token. Offline and quiet
 * (TOOLCHAIN.md "Claude Code over ACP, offline"); it asks `session/request_permission` for tools,
 * which the session's policy answers.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { errorMessage, permanentFailure } from '@flotilla/kit';
import type { AgentCommand, AgentDefinition, AgentSessionFiles } from './agent-definition.js';

const PACKAGE = '@agentclientprotocol/claude-agent-acp';

/** This Node binary and the adapter's bin script, from its package.json `bin`. */
function command(): AgentCommand {
  try {
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve(`${PACKAGE}/package.json`);
    const manifest = require(manifestPath) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
    if (!bin) throw new Error(`${PACKAGE} declares no bin script`);
    return { command: process.execPath, args: [join(dirname(manifestPath), bin)] };
  } catch (error) {
    throw permanentFailure(`cannot locate ${PACKAGE}: ${errorMessage(error)}`);
  }
}

/** Longest project directory name Claude Code uses as it is; a longer one is cut and given a hash. */
const PROJECT_DIR_MAX_CHARS = 200;

/**
 * The directory under `~/.claude/projects` where Claude Code (its Agent SDK) keeps the transcripts
 * of sessions run in `cwd`: every character but ASCII letters and digits made `-`; over 200
 * characters, the first 200, `-`, and a base-36 hash of the path (as the SDK names it).
 */
export function claudeProjectDir(cwd: string): string {
  const name = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (name.length <= PROJECT_DIR_MAX_CHARS) return name;
  let hash = 0;
  for (let index = 0; index < cwd.length; index += 1) hash = ((hash << 5) - hash + cwd.charCodeAt(index)) | 0;
  return `${name.slice(0, PROJECT_DIR_MAX_CHARS)}-${Math.abs(hash).toString(36)}`;
}

/**
 * The session's transcript, `~/.claude/projects/<project dir>/<sessionId>.jsonl` (the ACP session
 * id is Claude's session id). Restored under the project directory of the new cwd: the adapter's
 * `loadSession` and the CLI's resume find it there.
 */
const sessionFiles: AgentSessionFiles = {
  candidates: (acpSessionId, cwd) => ({
    paths: [`.claude/projects/${claudeProjectDir(cwd)}/${acpSessionId}.jsonl`],
    searchDirs: [{ dir: '.claude/projects', fileName: `${acpSessionId}.jsonl` }],
  }),
  restorePath: (path, acpSessionId, cwd) => (/^\.claude\/projects\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(path) && path.endsWith(`/${acpSessionId}.jsonl`) ? `.claude/projects/${claudeProjectDir(cwd)}/${acpSessionId}.jsonl` : null),
};

export const claudeCode: AgentDefinition = {
  agentType: 'claude-code',
  command,
  sessionFiles,
  launch: ({ gatewayUrl, token }) => ({
    args: [],
    env: {
      ANTHROPIC_BASE_URL: gatewayUrl,
      ANTHROPIC_API_KEY: token,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
    files: {},
  }),
};
