/**
 * Where an agent's command is, checked on the host before it is started in a sandbox — where a
 * missing program shows only as bubblewrap's own exit — so that the failure names the command.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * The absolute path of `command`: itself when it is a path, else the first executable of that
 * name on `path` (a PATH value).
 * @throws Error "not found…" when there is none
 */
export function findExecutable(command: string, path: string): string {
  const executable = (candidate: string) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    if (isAbsolute(command) && executable(command)) return command;
    throw new Error(`not found: ${command} is not an executable file`);
  }
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    if (executable(candidate)) return candidate;
  }
  throw new Error(`not found: no executable ${command} on PATH`);
}
