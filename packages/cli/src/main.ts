/** `flotilla` — run AI coding agents on your own machines. */
import { Command } from 'commander';
import { runCommand } from './commands/run.js';
import { upCommand } from './commands/up.js';

const program = new Command()
  .name('flotilla')
  .description('Run AI coding agents on your own machines: a task in, a pushed branch out.')
  .showHelpAfterError();

program
  .command('up')
  .description('Start the control plane and the local cloud on this machine (Ctrl-C stops everything)')
  .option('--port <port>', 'control-plane port', '8787')
  .action(async (options: { port?: string }) => upCommand(options));

program
  .command('run')
  .description('Run a task: provision a node, start the agent on a task branch, stream its work, push the branch')
  .argument('<description>', 'what the agent should do')
  .requiredOption('--repo <path-or-url>', 'the repository: a local path (the branch is pushed back into it) or a git URL')
  .option('--agent <type>', 'agent: claude-code | scripted (default: the project default)')
  .option('--server <url>', 'control-plane URL (default: a running `flotilla up`, else an embedded one for this run)')
  .option('--json', 'print one JSON object with the result as the last line of stdout')
  .option('--timeout-ms <ms>', 'give up waiting after this many milliseconds')
  .action(async (description: string, options) => {
    process.exitCode = await runCommand(description, options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`flotilla: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
