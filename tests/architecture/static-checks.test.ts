/**
 * The README's promise "npm run typecheck and npm run lint check everything", kept by CI: a type
 * error or a lint error anywhere fails the suite.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

async function npmRun(script: string): Promise<string> {
  return promisify(execFile)('npm', ['run', '--silent', script], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 }).then(
    () => '',
    (error: { stdout?: string; stderr?: string; message: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message,
  );
}

describe('static checks', () => {
  it('every TypeScript project type-checks (npm run typecheck)', async () => {
    expect(await npmRun('typecheck')).toBe('');
  }, 600_000);

  it('eslint finds nothing (npm run lint)', async () => {
    expect(await npmRun('lint')).toBe('');
  }, 300_000);
});
