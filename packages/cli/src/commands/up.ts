/**
 * `flotilla up [--port N]`: the control plane and the local cloud on this machine, until Ctrl-C.
 * Writes `<home>/server.json` so `flotilla run` finds it; leaves no process behind on exit. With
 * FLOTILLA_API_TOKEN set, the API requires that token (and server.json, mode 0600, holds it).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import ora from 'ora';
import { flotillaHome } from '../paths.js';
import { SERVER_FILE, writeServerFile } from '../server-file.js';
import { startStack } from '../stack/stack.js';

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
  const apiToken = process.env.FLOTILLA_API_TOKEN || undefined;
  writeServerFile(home, { url: stack.url, pid: process.pid, ...(apiToken ? { apiToken } : {}) });
  spinner.succeed(`Flotilla is up at ${stack.url}`);
  process.stdout.write(`${stack.url}\n`);
  process.stderr.write(`State: ${home}\n${apiToken ? 'The API requires FLOTILLA_API_TOKEN (the web app asks for it).\n' : ''}Press Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const stopping = ora({ text: 'Stopping', stream: process.stderr }).start();
  await stack.close();
  rmSync(serverFile, { force: true });
  stopping.succeed('Stopped');
}
