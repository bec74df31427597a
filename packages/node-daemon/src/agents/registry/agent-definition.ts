/**
 * How the node daemon runs one agent type (contracts agents.ts `AGENT_CATALOG` says what it is):
 * the command that starts it in ACP mode over stdio, and — for a given workspace — its arguments,
 * its environment and the configuration files written into its own HOME, which together point it
 * at the workspace's model gateway with the workspace token in place of a credential
 * (model-gateway/), keep it quiet (no telemetry, no self-update), and map the session's permission
 * policy (`allow` | `ask` | `reject`) onto the agent's own approval settings. One definition per
 * agent type, one file each (claude-code.ts, codex.ts, …).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AgentType } from '@flotilla/contracts';
import { errorMessage, permanentFailure } from '@flotilla/kit';
import type { PermissionPolicyValue } from '../acp/permission-policy.js';

export interface AgentCommand {
  command: string;
  args: string[];
}

/** What a definition knows of the workspace an agent is started in. */
export interface AgentLaunchContext {
  /** The agent's own HOME (writable, removed with the workspace). */
  home: string;
  /** The model gateway as the agent reaches it, e.g. `http://127.0.0.1:4141` (no trailing slash). */
  gatewayUrl: string;
  /** The workspace token the gateway takes in place of a credential. */
  token: string;
  /** The model to ask for (OPENAI_MODEL / GEMINI_MODEL), null: the agent's default. */
  model: string | null;
  permissionPolicy: PermissionPolicyValue;
}

/** How one agent is started in a workspace. */
export interface AgentLaunch {
  /** Arguments after the built-in command's own (not used with an operator's command override). */
  args: string[];
  /** Variables on top of the sandbox's environment (agent-env.ts); they may not replace HOME, the proxy or TMPDIR. */
  env: Record<string, string>;
  /** Files to write, by path relative to HOME, before the agent starts. */
  files: Record<string, string>;
}

/**
 * Where an agent keeps the files of one ACP session under its HOME, for a resume with ACP
 * `session/load` in another workspace (issue 15 item 3; agents/session-files/). Paths are relative
 * to HOME; the daemon reads and writes them safely (regular files only, no symlinks).
 */
export interface AgentSessionFiles {
  /**
   * The session's files as they may lie under HOME (relative paths, possibly absent), for session
   * `acpSessionId` run in `cwd`, and — for the directories listed under `searchDirs` — file names
   * to look for in each of their subdirectories (an agent that files sessions by a directory
   * derived from the cwd).
   */
  candidates(acpSessionId: string, cwd: string): { paths: string[]; searchDirs: Array<{ dir: string; fileName: string }> };
  /**
   * Where a file archived as `path` goes for the session resumed in `cwd` (the agent looks for it
   * there); null: the file is not one of the session's and is not restored.
   */
  restorePath(path: string, acpSessionId: string, cwd: string): string | null;
}

export interface AgentDefinition {
  agentType: AgentType;
  /** The files of an ACP session, when the agent can resume one with `session/load` from them; absent: none (the resume hands it the conversation as context). */
  sessionFiles?: AgentSessionFiles;
  /**
   * The command that starts the agent, from its installed package.
   * @throws FlotillaError (internal, not retryable) when the package is not installed
   */
  command(): AgentCommand;
  /** Arguments, environment and HOME files for one workspace. */
  launch(context: AgentLaunchContext): AgentLaunch;
}

const require = createRequire(import.meta.url);

/**
 * The directory of an installed npm package.
 * @throws FlotillaError (internal, not retryable) naming the package when it is not installed
 */
export function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch (error) {
    throw permanentFailure(`the agent package ${name} is not installed on this node: ${errorMessage(error)}`);
  }
}

/**
 * This Node binary running a JavaScript file of an installed package (`node <dir>/<file>`).
 * @throws FlotillaError as {@link packageDir}, or when the file is missing
 */
export function nodeScript(name: string, file: string, nodeArgs: string[] = []): AgentCommand {
  const script = join(packageDir(name), file);
  if (!existsSync(script)) throw permanentFailure(`the agent package ${name} has no ${file}`);
  return { command: process.execPath, args: [...nodeArgs, script] };
}

/**
 * A native executable shipped in a per-platform npm package (`<prefix>-<platform>-<arch>`, as
 * Codex, OpenCode and Cline publish theirs): started directly, not through the package's Node
 * wrapper — a wrapper that is killed can leave the native process behind.
 * @throws FlotillaError when there is no package for this platform or it lacks the binary
 */
export function platformBinary(prefix: string, binary: string): AgentCommand {
  const name = `${prefix}-${process.platform}-${process.arch}`;
  const path = join(packageDir(name), binary);
  if (!existsSync(path)) throw permanentFailure(`the agent package ${name} has no ${binary}`);
  return { command: path, args: [] };
}

/**
 * Write `files` (paths relative to `home`) into `home`, creating directories; replaces earlier
 * copies (a definition's files are the same for every start of the workspace's agent).
 */
export function writeHomeFiles(home: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(home, relative);
    if (!path.startsWith(`${home}/`)) throw new Error(`an agent's configuration file must stay in its HOME: ${relative}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
  }
}

/** JSON as agents' settings files take it. */
export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
