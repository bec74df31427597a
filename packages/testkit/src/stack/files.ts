/**
 * Every regular file under `dir`, recursively (none when it does not exist): for tests that look
 * for a secret in a whole state directory. Entries that vanish while it walks (a workspace being
 * deleted right after its task completed) are skipped, not an error.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const vanished = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

export function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (vanished(error)) return [];
    throw error;
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    try {
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    } catch (error) {
      if (vanished(error)) return [];
      throw error;
    }
  });
}
