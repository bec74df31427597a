/**
 * Runs the repository's pinned wrangler (apps/control-plane's, the installed binary run with this
 * Node — never downloaded) for `flotilla deploy`, one command at a time, its output captured. The
 * Cloudflare account comes from CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID in the environment
 * (wrangler reads them; CLOUDFLARE_API_BASE_URL, when set, points it at another API, e.g. a test's
 * fake). Metrics are off, and input (the secrets for `wrangler secret bulk`) goes through stdin,
 * never an argument, a file or a log: wrangler's own log level is held at `log`. Its banner (and the
 * update check it makes) is hidden.
 */
import { spawn } from 'node:child_process';
import { wranglerBin } from '../paths.js';

export interface WranglerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WranglerOptions {
  /** Working directory (the deploy's build directory, where wrangler keeps its `.wrangler`). */
  cwd: string;
  /** Give up (and kill wrangler) after this many ms. */
  timeoutMs: number;
  /** Written to wrangler's stdin, then closed (e.g. the JSON of `secret bulk`). Never logged. */
  input?: string;
  env?: NodeJS.ProcessEnv;
}

/** A failed wrangler command: its arguments and the end of its output (never its input). */
export class WranglerFailed extends Error {
  constructor(
    readonly args: string[],
    readonly result: WranglerResult,
  ) {
    const output = `${result.stderr}\n${result.stdout}`.replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n').slice(-15).join('\n');
    super(`wrangler ${args.join(' ')} failed (exit ${result.code}):\n${output}`);
  }
}

/** The environment wrangler runs with: this process's, metrics off, no colours, logs not verbose. */
export function wranglerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1', FORCE_COLOR: '0', WRANGLER_LOG: 'log', WRANGLER_LOG_SANITIZE: 'true' };
}

/**
 * Run `wrangler <args>`; resolves with its exit code and output whatever the code.
 * @throws Error when it does not end within `timeoutMs` (it is killed)
 */
export function runWrangler(args: string[], options: WranglerOptions): Promise<WranglerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wranglerBin(), ...args], { cwd: options.cwd, env: wranglerEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`wrangler ${args.join(' ')} took longer than ${options.timeoutMs} ms (FLOTILLA_DEPLOY_STEP_TIMEOUT_MS)`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Run `wrangler <args>` and return its stdout.
 * @throws WranglerFailed when it exits non-zero; Error on a timeout
 */
export async function wrangler(args: string[], options: WranglerOptions): Promise<string> {
  const result = await runWrangler(args, options);
  if (result.code !== 0) throw new WranglerFailed(args, result);
  return result.stdout;
}
