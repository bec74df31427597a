/**
 * `npm run demo`: Flotilla's main job on a small sample repository kept in this repo
 * (`examples/sample-repo`, a calculator whose `add` test fails). Copies it to a temporary git
 * repository, runs `flotilla run --agent claude-code "make the failing test pass"` with an
 * embedded control plane and local cloud, streams the agent's messages, then prints the task
 * branch and `git diff --stat` of the result.
 *
 * With ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN) set, Claude Code talks to the real model.
 * Without, it talks to testkit's offline demo model — a scripted stand-in — and says so.
 */
import { demoModel, startFakeAnthropic } from '@flotilla/testkit';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TASK = 'make the failing test pass';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function prepareRepo(): string {
  const repo = join(mkdtempSync(join(tmpdir(), 'flotilla-demo-')), 'sample-calculator');
  cpSync(join(ROOT, 'examples/sample-repo'), repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=Flotilla Demo', '-c', 'user.email=demo@localhost', 'commit', '-q', '-m', 'Sample calculator with a failing test');
  return repo;
}

async function main(): Promise<number> {
  const repo = prepareRepo();
  const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_HOME: join(dirname(repo), '.flotilla') };
  const realModel = Boolean(process.env.ANTHROPIC_API_KEY || process.env.CLAUDE_CODE_OAUTH_TOKEN);
  const fake = realModel ? null : await startFakeAnthropic({ script: demoModel });
  if (fake) {
    env.ANTHROPIC_BASE_URL = fake.url;
    env.ANTHROPIC_API_KEY = 'offline-demo-model';
    console.log('No ANTHROPIC_API_KEY is set: Claude Code will talk to Flotilla\'s OFFLINE DEMO MODEL,');
    console.log('a scripted stand-in for the Anthropic API (not real Claude). Set ANTHROPIC_API_KEY to use Claude.\n');
  } else {
    console.log('Using the real Anthropic API with your credentials.\n');
  }
  console.log(`Sample repository: ${repo}`);
  console.log(`Task: "${TASK}"\n`);

  const cli = join(ROOT, 'packages/cli/bin/flotilla.mjs');
  const child = spawn(process.execPath, [cli, 'run', '--repo', repo, '--agent', 'claude-code', '--json', TASK], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const code = await new Promise<number>((resolveCode) => child.once('exit', (c) => resolveCode(c ?? 1)));
  await fake?.close();
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(lastLine || '{}') as { status?: string; branch?: string | null };
  console.log('');
  if (result.branch) {
    console.log(`The agent's work is on branch ${result.branch} of ${repo}:`);
    console.log(git(repo, 'diff', '--stat', `main..${result.branch}`));
    console.log(`\nSee it with: git -C ${repo} diff main..${result.branch}`);
  }
  console.log(`\nTask ${result.status ?? 'did not finish'}.`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
