/** `flotilla` — run AI coding agents on your own machines. */
import { AgentType } from '@flotilla/contracts';
import { Command, InvalidArgumentError } from 'commander';
import { agentsCommand, agentVariablesHelp } from './commands/agents.js';
import { auditCommand, DEFAULT_AUDIT_LIMIT } from './commands/audit.js';
import { diffCommand } from './commands/diff.js';
import { loginCommand, logoutCommand } from './commands/login.js';
import { registerMembersCommands } from './commands/members.js';
import { destroyNodeCommand, nodesCommand } from './commands/nodes.js';
import { runCommand } from './commands/run.js';
import { cancelCommand, logsCommand, promptCommand, retryCommand, tasksCommand } from './commands/tasks.js';
import { createTokenCommand, listTokensCommand, revokeTokenCommand } from './commands/tokens.js';
import { upCommand } from './commands/up.js';
import { loginHint } from './login-file.js';

const program = new Command()
  .name('flotilla')
  .description('Run AI coding agents on your own machines: a task in, a pushed branch out.')
  .showHelpAfterError();

program
  .command('up')
  .description('Start the control plane and the local cloud on this machine (Ctrl-C stops everything)')
  .option('--port <port>', 'control-plane port', '8787')
  .addHelpText('after', agentVariablesHelp())
  .action(async (options: { port?: string }) => upCommand(options));

program
  .command('run')
  .description('Run a task: provision a node, start the agent on a task branch, stream its work, push the branch')
  .argument('<description>', 'what the agent should do')
  .requiredOption('--repo <path-or-url>', 'the repository: a local path (the branch is pushed back into it) or a git URL')
  .option('--agent <type>', `agent: ${AgentType.options.join(' | ')} (default: the project default); repeat it to run the task on several agents at once`, (value: string, previous: string[] = []) => [...previous, value])
  .option('--provider <name>', "where the project's nodes run: local | hetzner (kept as the project's default)")
  .option('--size <size>', 'VM size of this task: small | medium | large (default: the project default)')
  .option('--server <url>', 'control-plane URL (default: a running `flotilla up`, else an embedded one for this run)')
  .option('--json', 'print one JSON object with the result as the last line of stdout')
  .option('--timeout-ms <ms>', 'give up waiting after this many milliseconds')
  .addHelpText('after', agentVariablesHelp())
  .action(async (description: string, options) => {
    process.exitCode = await runCommand(description, options);
  });

const SERVER_HELP = 'control-plane URL (default: the running `flotilla up`)';

program
  .command('tasks')
  .description('List tasks of every project, by priority then recency')
  .option('--status <status>', 'only tasks in this status (draft, ready, queued, delegated, in_progress, completed, failed, cancelled)')
  .option('--json', 'print the tasks as one JSON array')
  .option('--server <url>', SERVER_HELP)
  .action(async (options: { status?: string; json?: boolean; server?: string }) => {
    process.exitCode = await tasksCommand(options);
  });

program
  .command('logs')
  .description("Show a task's status events and chat messages")
  .argument('<taskId>')
  .option('--follow', 'keep following until the task ends (exit 0 when it completed)')
  .option('--server <url>', SERVER_HELP)
  .action(async (taskId: string, options: { follow?: boolean; server?: string }) => {
    process.exitCode = await logsCommand(taskId, options);
  });

program
  .command('cancel')
  .description('Cancel a task: its agent is stopped, its workspace kept')
  .argument('<taskId>')
  .option('--server <url>', SERVER_HELP)
  .action(async (taskId: string, options: { server?: string }) => {
    process.exitCode = await cancelCommand(taskId, options);
  });

program
  .command('retry')
  .description('Retry a failed or cancelled task: a new run in a fresh workspace, same chat session')
  .argument('<taskId>')
  .option('--server <url>', SERVER_HELP)
  .action(async (taskId: string, options: { server?: string }) => {
    process.exitCode = await retryCommand(taskId, options);
  });

program
  .command('prompt')
  .description("Send a follow-up prompt to a chat session's running agent (to a completed task's session: resumes the task)")
  .argument('<sessionId>')
  .argument('<text>')
  .option('--server <url>', SERVER_HELP)
  .action(async (sessionId: string, text: string, options: { server?: string }) => {
    process.exitCode = await promptCommand(sessionId, text, options);
  });

program
  .command('diff')
  .description("Print a completed task's diff against its base branch (coloured on a terminal)")
  .argument('<taskId>')
  .option('--server <url>', SERVER_HELP)
  .action(async (taskId: string, options: { server?: string }) => {
    process.exitCode = await diffCommand(taskId, options);
  });

program
  .command('agents')
  .description('List the agents: installed on the nodes, credentials (stored, from the environment, or what is missing), how to set what is missing')
  .option('--json', 'print the agents as one JSON array')
  .option('--server <url>', SERVER_HELP)
  .addHelpText('after', agentVariablesHelp())
  .action(async (options: { json?: boolean; server?: string }) => {
    process.exitCode = await agentsCommand(options);
  });

const nodes = program
  .command('nodes')
  .description('List the nodes: status (warm with time left), provider, size, workspaces')
  .option('--json', 'print the nodes as one JSON array')
  .option('--server <url>', SERVER_HELP)
  .action(async (options: { json?: boolean; server?: string }) => {
    process.exitCode = await nodesCommand(options);
  });

nodes
  .command('destroy')
  .description('Destroy an unused node now, through its provider (refused while it runs a workspace)')
  .argument('<nodeId>')
  .option('--server <url>', SERVER_HELP)
  // `--server` may be parsed by `nodes` itself (`flotilla nodes destroy X --server U`): merge both.
  .action(async (nodeId: string, _options: unknown, command: Command) => {
    process.exitCode = await destroyNodeCommand(nodeId, command.optsWithGlobals<{ server?: string }>());
  });

// Personal API tokens (issue 14 item 4): login, logout, tokens.
program
  .command('login')
  .description('Save an API token for a control plane (checked first; kept in a 0600 file): every command then uses it')
  .requiredOption('--server <url>', 'control-plane URL')
  .option('--token <token>', 'the API token (default: read from stdin, typed without echo on a terminal)')
  .action(async (options: { server: string; token?: string }) => {
    process.exitCode = await loginCommand(options);
  });

program
  .command('logout')
  .description('Forget the API token `flotilla login` saved')
  .action(() => {
    process.exitCode = logoutCommand();
  });

const tokens = program
  .command('tokens')
  .description('List your personal API tokens: name, prefix, scope, created, last used, expiry')
  .option('--json', 'print the tokens as one JSON array')
  .option('--server <url>', SERVER_HELP)
  .action(async (options: { json?: boolean; server?: string }) => {
    process.exitCode = await listTokensCommand(options);
  });

tokens
  .command('create')
  .description('Make a personal API token and print its secret (shown once)')
  .argument('<name>')
  .option('--project <id>', 'a project it may reach; repeat it for more (default: every project)', (value: string, previous: string[] = []) => [...previous, value])
  .option('--expires-in-days <days>', 'days until it expires, or "never" (default: the server\'s, 90)')
  .option('--json', 'print the new token (with its secret) as one JSON object')
  .option('--server <url>', SERVER_HELP)
  .action(async (name: string, _options: unknown, command: Command) => {
    process.exitCode = await createTokenCommand(name, command.optsWithGlobals<{ project?: string[]; expiresInDays?: string; json?: boolean; server?: string }>());
  });

tokens
  .command('revoke')
  .description('Revoke one of your personal API tokens: it stops working at once')
  .argument('<tokenId>')
  .option('--server <url>', SERVER_HELP)
  .action(async (tokenId: string, _options: unknown, command: Command) => {
    process.exitCode = await revokeTokenCommand(tokenId, command.optsWithGlobals<{ server?: string }>());
  });

program
  .command('audit')
  .description("Show the audit log, newest first: a project's (--project), or what belongs to no project (nodes, credentials, sign-ins)")
  .option('--project <id>', "the project whose log to show (default: the events of no project)")
  .option('--limit <n>', `how many events, 1-200 (default ${DEFAULT_AUDIT_LIMIT})`, (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('give a whole number from 1 to 200');
    return n;
  })
  .option('--json', 'print the events as one JSON array')
  .option('--server <url>', SERVER_HELP)
  .action(async (options: { project?: string; limit?: number; json?: boolean; server?: string }) => {
    process.exitCode = await auditCommand(options);
  });

// Project members and roles (issue 14 item 2): members, members add|role|remove.
registerMembersCommands(program, SERVER_HELP);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`flotilla: ${error instanceof Error ? error.message : String(error)}${loginHint(error)}\n`);
  process.exitCode = 1;
});
