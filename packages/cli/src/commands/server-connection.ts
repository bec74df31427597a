/**
 * What the commands that talk to a running control plane share: finding it (`--server`, else
 * the running `flotilla up` from `.flotilla/server.json`, with its API token), printing, and
 * turning an API error into exit code 1 with its message.
 */
import { ApiError, FlotillaClient } from '@flotilla/api-client';
import { loginHint, readLoginFile, tokenForServer } from '../login-file.js';
import { flotillaHome } from '../paths.js';
import { readServerFile } from '../server-file.js';

export interface ServerOptions {
  server?: string;
}

/**
 * The client of `--server`, else of the running `flotilla up`, else of the server of
 * `flotilla login`; with FLOTILLA_API_TOKEN, else the saved login's token for that server.
 * @throws when there is none of them
 */
export function connectToServer(options: ServerOptions): FlotillaClient {
  const home = flotillaHome();
  const login = readLoginFile(home);
  if (options.server) return new FlotillaClient(options.server.replace(/\/$/, ''), undefined, tokenForServer(options.server, null, login));
  const server = readServerFile(home);
  if (server) return new FlotillaClient(server.url, undefined, tokenForServer(server.url, server, login));
  if (login) return new FlotillaClient(login.server, undefined, tokenForServer(login.server, null, login));
  throw new Error('no running Flotilla found: start `flotilla up`, pass --server <url>, or run `flotilla login --server <url>`');
}

/** One line on stdout. */
export const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * Run `action`; an ApiError — the API's refusal (its own message), or no answer from the server
 * (`unreachable`) — is printed plainly and gives exit code 1. Anything else is thrown on.
 */
export async function refusalsAsExitCode(action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    process.stderr.write(`flotilla: ${error.message}${loginHint(error)}\n`);
    return 1;
  }
}
