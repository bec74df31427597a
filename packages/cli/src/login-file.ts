/**
 * `<home>/login.json` (mode 0600): the server and API token `flotilla login` saved — a personal
 * token (`flt_…`, from `flotilla tokens create` or the web app's Account page) or the shared
 * FLOTILLA_API_TOKEN. Every command that talks to a control plane sends it to that server when
 * FLOTILLA_API_TOKEN is not in the environment; `flotilla logout` deletes the file.
 */
import { ApiError } from '@flotilla/api-client';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { ServerInfo } from './server-file.js';

export const LOGIN_FILE = 'login.json';

const LoginInfo = z.object({ server: z.string(), token: z.string() });
export type LoginInfo = z.infer<typeof LoginInfo>;

/** `url` without a trailing slash, to compare servers by. */
export const normalizeServerUrl = (url: string) => url.trim().replace(/\/+$/, '');

/** The saved login under `home`, or null when there is none (or it is unreadable). */
export function readLoginFile(home: string): LoginInfo | null {
  const file = join(home, LOGIN_FILE);
  if (!existsSync(file)) return null;
  try {
    const parsed = LoginInfo.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Save `info` under `home`, mode 0600 (it holds a token). */
export function writeLoginFile(home: string, info: LoginInfo): void {
  const file = join(home, LOGIN_FILE);
  writeFileSync(file, JSON.stringify({ server: normalizeServerUrl(info.server), token: info.token }), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Forget the saved login under `home`. @returns whether there was one */
export function removeLoginFile(home: string): boolean {
  const file = join(home, LOGIN_FILE);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

/**
 * The API token to send to `url`: FLOTILLA_API_TOKEN from the environment, else the saved login's
 * when it is for that server, else the running `flotilla up`'s (`server`), else none.
 */
export function tokenForServer(url: string, server: ServerInfo | null, login: LoginInfo | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FLOTILLA_API_TOKEN) return env.FLOTILLA_API_TOKEN;
  if (login && normalizeServerUrl(login.server) === normalizeServerUrl(url)) return login.token;
  return server?.apiToken || null;
}

/** What to add to the message of `error` when it says the saved token is dead (a 401 of a personal token). */
export function loginHint(error: unknown): string {
  const dead = error instanceof ApiError && error.status === 401 && /unknown API token|was revoked|expired on/.test(error.message);
  return dead ? ': run flotilla login again' : '';
}
