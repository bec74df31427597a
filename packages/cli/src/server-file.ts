/**
 * `<home>/server.json`: how `flotilla run`, `tasks`, `logs`… find the running `flotilla up` —
 * its URL, pid, and the API token when it requires one (so the file is mode 0600).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

export const SERVER_FILE = 'server.json';

const ServerInfo = z.object({ url: z.string(), pid: z.number().optional(), apiToken: z.string().optional() });
export type ServerInfo = z.infer<typeof ServerInfo>;

/** The running server recorded under `home`, or null when there is none (or the file is unreadable). */
export function readServerFile(home: string): ServerInfo | null {
  const file = join(home, SERVER_FILE);
  if (!existsSync(file)) return null;
  const parsed = ServerInfo.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** Record the running server under `home` (mode 0600: it may hold the API token). */
export function writeServerFile(home: string, info: ServerInfo): void {
  const file = join(home, SERVER_FILE);
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The API token to send: FLOTILLA_API_TOKEN from the environment, else the recorded server's, else none. */
export function apiTokenFor(server: ServerInfo | null, env: NodeJS.ProcessEnv = process.env): string | null {
  return env.FLOTILLA_API_TOKEN || server?.apiToken || null;
}
