/**
 * `flotilla run --repo <path-or-url> [--agent A] [--server URL] [--json] "<task description>"`:
 * submit a task, show each execution step and the agent's messages as they stream, exit 0 when
 * the task completed and 1 otherwise. Uses `--server`, else a running `flotilla up`, else boots
 * an embedded stack for this run. With `--json`, progress goes to stderr and the last line of
 * stdout is `{"taskId","status","branch","commitSha","sessionId","messageCount"}`. With `--agent`
 * repeated, the task runs on each of those agents at once (one branch and chat session each):
 * each one's progress is printed as it goes, then their results side by side (run/several.ts);
 * `--json` then gives `{"taskId","status","variants":[…]}`.
 */
import { AgentType, ProviderName, VmSize, type ExecutionStep, type Project } from '@flotilla/contracts';
import type { z } from 'zod';
import { basename } from 'node:path';
import ora, { type Ora } from 'ora';
import { FlotillaClient } from '@flotilla/api-client';
import { flotillaHome } from '../paths.js';
import { followTask } from '../run/follow.js';
import { STEP_LABELS, renderMessage } from '../run/render.js';
import { resolveRepo } from '../run/repo.js';
import { followVariants, renderComparison, renderVariantProgress } from '../run/several.js';
import { startStack, type Stack } from '../stack/stack.js';
import { readLoginFile, tokenForServer } from '../login-file.js';
import { apiTokenFor, readServerFile } from '../server-file.js';
import { diffStatLine } from '../run/diff-line.js';

export interface RunOptions {
  repo: string;
  /** `--agent`, once or repeated (several: the task runs on each at once). */
  agent?: string | string[];
  /** The project's node provider (`local`, `hetzner`): set on the project for this and later runs. */
  provider?: string;
  /** VM size of this task (`small`, `medium`, `large`). */
  size?: string;
  server?: string;
  json?: boolean;
  timeoutMs?: string;
}

/** `value` of command-line option `name`, checked against `schema`. @throws Error naming the allowed values */
function parseOption<T extends string>(schema: z.ZodEnum<Record<string, T>>, name: string, value: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${name} must be one of ${schema.options.join(', ')}, got ${value}`);
  return parsed.data;
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    await new FlotillaClient(url, 2_000).health();
    return true;
  } catch {
    return false;
  }
}

/** The server to use, and the embedded stack when this run had to boot one. */
async function connect(options: RunOptions, log: (line: string) => void): Promise<{ client: FlotillaClient; stack: Stack | null }> {
  const home = flotillaHome();
  const login = readLoginFile(home);
  if (options.server) {
    const url = options.server.replace(/\/$/, '');
    if (!(await isHealthy(url))) throw new Error(`no Flotilla control plane answers at ${url}`);
    return { client: new FlotillaClient(url, undefined, tokenForServer(url, null, login)), stack: null };
  }
  const server = readServerFile(home);
  if (server && (await isHealthy(server.url))) {
    log(`Using the running Flotilla at ${server.url}`);
    return { client: new FlotillaClient(server.url, undefined, tokenForServer(server.url, server, login)), stack: null };
  }
  if (login && (await isHealthy(login.server))) {
    log(`Using ${login.server} (flotilla login)`);
    return { client: new FlotillaClient(login.server, undefined, tokenForServer(login.server, null, login)), stack: null };
  }
  const spinner = ora({ text: 'Starting an embedded control plane and local cloud for this run', stream: process.stderr }).start();
  try {
    const stack = await startStack({ home });
    spinner.succeed(`Embedded Flotilla at ${stack.url}`);
    return { client: new FlotillaClient(stack.url, undefined, apiTokenFor(null)), stack };
  } catch (error) {
    spinner.fail('Could not start an embedded Flotilla');
    throw error;
  }
}

export async function runCommand(description: string, options: RunOptions): Promise<number> {
  const out = options.json ? process.stderr : process.stdout;
  const log = (line: string) => out.write(`${line}\n`);
  const agentTypes = [options.agent ?? []].flat().map((value) => parseOption(AgentType, '--agent', value));
  if (new Set(agentTypes).size !== agentTypes.length) throw new Error('--agent must not name the same agent twice');
  const agentType = agentTypes.length === 1 ? agentTypes[0] : undefined;
  const provider = options.provider ? parseOption(ProviderName, '--provider', options.provider) : undefined;
  const vmSize = options.size ? parseOption(VmSize, '--size', options.size) : undefined;
  const repo = await resolveRepo(options.repo);
  const { client, stack } = await connect(options, log);
  const stopStack = () => stack?.close();
  const onSignal = () => void Promise.resolve(stopStack()).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const projects = await client.listProjects();
    let project =
      projects.find((p) => p.repoUrl === repo.repoUrl) ??
      (await client.createProject({ name: basename(repo.repoUrl).replace(/\.git$/, ''), repoUrl: repo.repoUrl, defaultBranch: repo.defaultBranch, ...(provider ? { defaultProvider: provider } : {}) }));
    if (provider && project.defaultProvider !== provider) {
      project = await client.updateProject(project.id, { defaultProvider: provider });
      log(`Project ${project.name} now runs its tasks on ${provider} nodes.`);
    }
    if (agentTypes.length > 1) return await runOnSeveral(client, project, description, { agentTypes, vmSize, log, options });
    const task = await client.createTask(project.id, { description, run: true, ...(agentType ? { agentType } : {}), ...(vmSize ? { vmSize } : {}) });
    log(`Task ${task.id} on ${project.repoUrl} (agent ${task.agentType})`);
    if (!task.chatSessionId) throw new Error('the task has no chat session');

    let spinner: Ora | null = null;
    const finishStep = (step: ExecutionStep | null) => {
      if (step && spinner) spinner.succeed(STEP_LABELS[step]);
      spinner = null;
    };
    let messageCount = 0;
    const final = await followTask(
      client,
      project.id,
      task.id,
      task.chatSessionId,
      {
        onStep(step, previous) {
          finishStep(previous);
          spinner = ora({ text: STEP_LABELS[step], stream: out }).start();
        },
        onMessage(message) {
          messageCount += 1;
          const active = spinner as Ora | null;
          active?.clear();
          out.write(`${renderMessage(message)}\n`);
          active?.render();
        },
      },
      options.timeoutMs ? { timeoutMs: Number(options.timeoutMs) } : {},
    );
    const activeSpinner = spinner as Ora | null;
    if (final.status === 'completed') activeSpinner?.succeed(STEP_LABELS.running);
    else activeSpinner?.fail(STEP_LABELS[final.executionStep ?? 'running']);
    log('');
    log(`Task ${final.status}${final.error ? `: ${final.error}` : ''}`);
    if (final.output.branch) log(`Branch: ${final.output.branch}${final.output.commitSha ? ` @ ${final.output.commitSha.slice(0, 12)}` : ''}`);
    const changes = diffStatLine(final.output);
    if (changes) log(changes);
    if (final.output.warning) log(`Warning: ${final.output.warning}`);
    if (final.output.summary && final.status === 'completed') log(`Summary: ${final.output.summary}`);
    if (options.json) {
      const result = {
        taskId: final.id,
        status: final.status,
        branch: final.output.branch,
        commitSha: final.output.commitSha,
        sessionId: final.chatSessionId,
        messageCount,
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
    return final.status === 'completed' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    await stopStack();
  }
}

interface SeveralRun {
  agentTypes: AgentType[];
  vmSize: VmSize | undefined;
  log: (line: string) => void;
  options: RunOptions;
}

/** Run the task on several agents at once: each variant's progress as it changes, then the comparison. @returns the exit code */
async function runOnSeveral(client: FlotillaClient, project: Project, description: string, run: SeveralRun): Promise<number> {
  const { agentTypes, vmSize, log, options } = run;
  const task = await client.createTask(project.id, { description, run: true, agentTypes, ...(vmSize ? { vmSize } : {}) });
  log(`Task ${task.id} on ${project.repoUrl} (agents ${agentTypes.join(', ')})`);
  const final = await followVariants(client, task.id, (variant) => log(renderVariantProgress(variant)), options.timeoutMs ? { timeoutMs: Number(options.timeoutMs) } : {});
  log('');
  log(`Task ${final.status}${final.error ? `: ${final.error}` : ''}`);
  log('');
  log(renderComparison(final.variants ?? []));
  if (options.json) {
    const variants = (final.variants ?? []).map((v) => ({ agentType: v.agentType, taskId: v.taskId, status: v.status, branch: v.branch, commitSha: v.commitSha, sessionId: v.chatSessionId, usage: v.usage }));
    process.stdout.write(`${JSON.stringify({ taskId: final.id, status: final.status, variants })}\n`);
  }
  return final.status === 'completed' ? 0 : 1;
}
