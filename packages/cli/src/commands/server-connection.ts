/**
 * What the commands that talk to a running control plane share: finding it (`--server`, else
 * the running `flotilla up` from `.flotilla/server.json`, with its API token), printing, and
 * turning an API error into exit code 1 with its message.
 */
import { ApiError, FlotillaClient } from '@flotilla/api-client';
import { flotillaHome } from '../paths.js';
import { apiTokenFor, readServerFile } from '../server-file.js';

export interface ServerOptions {
  server?: string;
}

/** The client of `--server`, else of the running `flotilla up`. @throws when there is neither */
export function connectToServer(options: ServerOptions): FlotillaClient {
  if (options.server) return new FlotillaClient(options.server.replace(/\/$/, ''), undefined, apiTokenFor(null));
  const server = readServerFile(flotillaHome());
  if (!server) throw new Error('no running Flotilla found: start `flotilla up`, or pass --server <url>');
  return new FlotillaClient(server.url, undefined, apiTokenFor(server));
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
    process.stderr.write(`flotilla: ${error.message}\n`);
    return 1;
  }
}
