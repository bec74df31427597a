/**
 * `flotilla up [--port N]`: the control plane and the local cloud on this machine, until Ctrl-C.
 * Writes `<home>/server.json` so `flotilla run` finds it; leaves no process behind on exit.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ora from 'ora';
import { flotillaHome } from '../paths.js';
import { startStack } from '../stack/stack.js';

export const SERVER_FILE = 'server.json';

export async function upCommand(options: { port?: string }): Promise<void> {
  const home = flotillaHome();
  const spinner = ora({ text: 'Starting the control plane and the local cloud', stream: process.stderr }).start();
  const port = options.port ? Number(options.port) : 8787;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port must be a TCP port, got ${options.port}`);
  const stack = await startStack({ home, port }).catch((error: unknown) => {
    spinner.fail('Could not start Flotilla');
    throw error;
  });
  const serverFile = join(home, SERVER_FILE);
  writeFileSync(serverFile, JSON.stringify({ url: stack.url, pid: process.pid }));
  spinner.succeed(`Flotilla is up at ${stack.url}`);
  process.stdout.write(`${stack.url}\n`);
  process.stderr.write(`State: ${home}\nPress Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const stopping = ora({ text: 'Stopping', stream: process.stderr }).start();
  await stack.close();
  rmSync(serverFile, { force: true });
  stopping.succeed('Stopped');
}
