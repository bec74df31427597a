/**
 * `flotilla login --server <URL> [--token <T>]` and `flotilla logout`: keep the API token for a
 * control plane in `<home>/login.json` (mode 0600, login-file.ts), so that every command reaches
 * it without FLOTILLA_API_TOKEN in the environment. Without `--token` the token is read from
 * stdin: typed at a prompt without echo on a terminal, else piped (`… | flotilla login`). The
 * token is checked before it is saved: a personal token with `GET /api/tokens/current`, the
 * shared FLOTILLA_API_TOKEN with `GET /api/session`.
 */
import { ApiError, FlotillaClient } from '@flotilla/api-client';
import { normalizeServerUrl, removeLoginFile, writeLoginFile } from '../login-file.js';
import { flotillaHome } from '../paths.js';
import { refusalsAsExitCode, write } from './server-connection.js';

/** Ctrl-C, Ctrl-D, backspace and delete, as raw-mode bytes. */
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u0008', '\u007f']);

/** Read one line typed on the terminal without echoing it. @throws when Ctrl-C is pressed */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === CTRL_C) return done(new Error('login cancelled'));
        if (char === '\r' || char === '\n' || char === CTRL_D) return done();
        if (BACKSPACES.has(char)) typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** All of stdin (a piped token). */
async function readStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

/**
 * Who `token` is at `server`: a sentence for the user.
 * @throws ApiError — the server's refusal (401 with its reason), or unreachable
 * @throws Error when the server takes no token and this one is not a personal token
 */
async function verifyToken(server: string, token: string): Promise<string> {
  const client = new FlotillaClient(server, undefined, token);
  try {
    const info = await client.getCurrentApiToken();
    const expiry = info.expiresAt ? `expires ${info.expiresAt.slice(0, 10)}` : 'never expires';
    const scope = info.projectIds ? `projects ${info.projectIds.join(', ')}` : 'every project';
    return `personal token "${info.name}" (${info.prefix}…; ${scope}; ${expiry})`;
  } catch (error) {
    if (!(error instanceof ApiError) || !error.notFound) throw error;
  }
  const session = await client.getSession();
  if (!session.required) return 'an open API (it needs no token)';
  if (!session.authenticated) throw new Error('the server did not accept this token');
  return 'the shared API token';
}

/** `flotilla login --server <URL> [--token <T>]`. @returns the exit code */
export async function loginCommand(options: { server: string; token?: string }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const server = normalizeServerUrl(options.server);
    const token = (options.token ?? (process.stdin.isTTY ? await promptHidden(`API token for ${server}: `) : await readStdin())).trim();
    if (!token) throw new Error('no token given: pass --token, or type or pipe it in');
    const who = await verifyToken(server, token);
    writeLoginFile(flotillaHome(), { server, token });
    write(`Logged in to ${server} with ${who}.`);
    return 0;
  });
}

/** `flotilla logout`: forget the saved token. @returns the exit code */
export function logoutCommand(): number {
  write(removeLoginFile(flotillaHome()) ? 'Logged out: the saved token is forgotten.' : 'Not logged in.');
  return 0;
}
