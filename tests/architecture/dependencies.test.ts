/**
 * CI fails on an import cycle or an import against the architecture's direction: the rules are
 * .dependency-cruiser.cjs (run them by hand with `npm run check:deps`).
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('the import graph', () => {
  it('has no cycle and no import against the dependency direction', async () => {
    const depcruise = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const outcome = await promisify(execFile)(process.execPath, [depcruise, '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long', 'apps', 'packages', 'tests', 'bench', 'scripts'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).then(
      () => ({ ok: true, report: '' }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, report: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(outcome.report).toBe('');
    expect(outcome.ok).toBe(true);
  });
});
