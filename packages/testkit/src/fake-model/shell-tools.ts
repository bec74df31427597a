/**
 * The shell tools of the ACP agents the fakes drive, and how each takes a command: the fake
 * looks for one of these names among the tools a request offers and builds its arguments.
 * Names and shapes as each agent declares them in its requests (TOOLCHAIN.md "More ACP agents").
 */

/** A tool call the fake model makes: the tool's name and its arguments (a JSON object). */
export interface ShellToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Short description some shell tools ask for. */
const DESCRIPTION = 'Run the scripted command';

/** Known shell tools, in order of preference, with their argument shapes. */
const SHELL_TOOLS: ReadonlyArray<readonly [string, (command: string) => Record<string, unknown>]> = [
  // Codex (unified exec); its other shell tools are kept for other Codex configurations.
  ['exec_command', (command) => ({ cmd: command })],
  ['shell_command', (command) => ({ command })],
  ['shell', (command) => ({ command: ['bash', '-lc', command] })],
  // OpenCode
  ['bash', (command) => ({ command, description: DESCRIPTION })],
  // Gemini CLI and Qwen Code
  ['run_shell_command', (command) => ({ command, description: DESCRIPTION })],
  // Cline CLI 3.x, and Cline's VS Code tool
  ['run_commands', (command) => ({ commands: [command] })],
  ['execute_command', (command) => ({ command, requires_approval: false })],
];

/**
 * The call of the agent's shell tool running `command`, for the tools a request offers.
 *
 * @param offered names of the tools the request offers
 * @param command the shell command
 * @returns the call, or undefined when none of the known shell tools is offered
 */
export function shellToolCall(offered: readonly string[], command: string): ShellToolCall | undefined {
  const names = new Set(offered);
  const known = SHELL_TOOLS.find(([name]) => names.has(name));
  return known ? { name: known[0], arguments: known[1](command) } : undefined;
}

/** Whether any of `offered` is a known shell tool. */
export function offersShellTool(offered: readonly string[]): boolean {
  return SHELL_TOOLS.some(([name]) => offered.includes(name));
}
