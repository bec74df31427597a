import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { agent, methods, PROTOCOL_VERSION, RequestError } from '@agentclientprotocol/sdk';
import type { AgentApp, ClientCapabilities } from '@agentclientprotocol/sdk';
import { appendPromptLog } from './prompt-log.js';
import { promptText, runPrompt } from './prompt-runner.js';

/** Options of {@link createScriptedAgent}. */
export interface ScriptedAgentOptions {
  /** When set, every prompt is appended to this file as a JSON line (see prompt-log.ts). */
  promptLogPath?: string;
}

/** When this agent's process started (loaded this module). */
const PROCESS_STARTED_AT = new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString();

interface SessionState {
  cwd: string;
  /** The cwd's `.git/HEAD` when `session/new` came (null: no repository there yet). */
  headAtSessionNew: string | null;
  /** Aborts the prompt turn that is running, if any. */
  running?: AbortController;
}

/**
 * Builds the scripted agent as an ACP agent app: `initialize`, `session/new`,
 * `session/prompt` (runs the instruction language of instructions.ts) and `session/cancel`.
 * Serve it with `app.connect(stream)`.
 *
 * One app instance keeps the state of one client connection (capabilities, sessions).
 */
export function createScriptedAgent(options: ScriptedAgentOptions = {}): AgentApp {
  const sessions = new Map<string, SessionState>();
  let clientCapabilities: ClientCapabilities = {};
  let toolCallCounter = 0;
  const nextToolCallId = (): string => `call_${++toolCallCounter}`;

  return agent({ name: 'flotilla-scripted-agent' })
    .onRequest(methods.agent.initialize, ({ params }) => {
      clientCapabilities = params.clientCapabilities ?? {};
      return {
        protocolVersion: PROTOCOL_VERSION,
        agentCapabilities: {},
        authMethods: [],
        agentInfo: { name: 'flotilla-scripted-agent', version: '0.1.0' },
      };
    })
    .onRequest(methods.agent.session.new, ({ params }) => {
      const sessionId = `sess_${randomUUID()}`;
      const cwd = resolve(params.cwd);
      sessions.set(sessionId, { cwd, headAtSessionNew: gitHeadOf(cwd) });
      return { sessionId };
    })
    .onRequest(methods.agent.session.prompt, async ({ params, signal, client }) => {
      const session = sessions.get(params.sessionId);
      const text = promptText(params.prompt);
      appendPromptLog(options.promptLogPath, {
        sessionId: params.sessionId,
        cwd: session?.cwd ?? '',
        headAtSessionNew: session?.headAtSessionNew ?? null,
        agentStartedAt: PROCESS_STARTED_AT,
        text,
        receivedAt: new Date().toISOString(),
      });
      if (!session) throw RequestError.sessionNotFound(params.sessionId);
      session.running?.abort();
      const controller = new AbortController();
      session.running = controller;
      const onRequestAbort = (): void => controller.abort();
      signal.addEventListener('abort', onRequestAbort, { once: true });
      try {
        const turn = {
          sessionId: params.sessionId,
          cwd: session.cwd,
          client,
          clientCapabilities,
          signal: controller.signal,
          nextToolCallId,
        };
        return { stopReason: await runPrompt(turn, text) };
      } finally {
        signal.removeEventListener('abort', onRequestAbort);
        if (session.running === controller) session.running = undefined;
      }
    })
    .onNotification(methods.agent.session.cancel, ({ params }) => {
      sessions.get(params.sessionId)?.running?.abort();
    });
}

/** The content of `<dir>/.git/HEAD`, trimmed (e.g. `ref: refs/heads/main`), or null when there is none. */
function gitHeadOf(dir: string): string | null {
  try {
    return readFileSync(join(dir, '.git', 'HEAD'), 'utf8').trim();
  } catch {
    return null;
  }
}
