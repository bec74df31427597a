/**
 * The daemon's side of ACP (Agent Client Protocol, v1, via `@agentclientprotocol/sdk` 2.x) with
 * one agent process over its stdio:
 * - `initialize` advertising `fs.readTextFile` and `fs.writeTextFile`, no terminal (ACP spec
 *   "Initialization");
 * - `session/new` with the workspace as cwd and no MCP servers ("Session Setup"), or `session/load`
 *   of an earlier session where the agent offers `loadSession` (its replay of the history is not
 *   passed on: the chat holds it already);
 * - `session/prompt` ("Prompt Turn");
 * - client methods: `session/update` → `onUpdate`; `session/request_permission` answered by
 *   policy (permission-policy.ts), or by a viewer with policy `ask` (`askPermission`); `fs/read_text_file` / `fs/write_text_file` confined to the
 *   workspace (workspace-fs.ts), refusals as JSON-RPC errors.
 */
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk';
import type { PromptResponse, RequestPermissionOutcome, RequestPermissionRequest, SessionNotification } from '@agentclientprotocol/sdk';
import type { Logger } from '@flotilla/kit';
import type { AgentProcess } from '../process/agent-process.js';
import { choosePermissionOutcome, type PermissionPolicyValue } from './permission-policy.js';
import { PathOutsideWorkspaceError, readWorkspaceTextFile, writeWorkspaceTextFile } from './workspace-fs.js';

export interface OpenAcpSessionOptions {
  agent: AgentProcess;
  /** The workspace checkout: the session's cwd and the fs confinement root. */
  workspacePath: string;
  permissionPolicy: PermissionPolicyValue;
  /** With policy `ask`: puts the request up for a viewer, resolves with the outcome. */
  askPermission: (params: RequestPermissionRequest) => Promise<RequestPermissionOutcome>;
  /** Called synchronously for every `session/update`, in arrival order. */
  onUpdate: (notification: SessionNotification) => void;
  /** Limit for `initialize` and for `session/new`, each (ACP_INITIALIZE_TIMEOUT_MS). */
  initializeTimeoutMs: number;
  clientVersion: string;
  logger: Logger;
}

/** An open ACP session with a running agent. */
export interface AcpSession {
  /** The agent's session id (from `session/new`, or the one `session/load` opened). */
  readonly sessionId: string;
  /** Whether the agent's `initialize` answer offered `loadSession` (its session can be resumed elsewhere). */
  readonly canLoadSession: boolean;
  /**
   * Send one `session/prompt` with `text` as a single text block. Resolves when the turn ends,
   * after every `session/update` the agent sent before its response has reached `onUpdate`.
   */
  prompt(text: string): Promise<PromptResponse>;
  /**
   * Send the `session/cancel` notification (ACP "Cancellation"): the agent should stop the turn
   * and answer the pending `session/prompt` with stop reason `cancelled`.
   */
  cancel(): Promise<void>;
  /** Close the connection (pending requests reject). Does not stop the process. */
  close(): void;
}

/** An ACP step did not answer in time. */
export class AcpTimeoutError extends Error {
  constructor(step: string, timeoutMs: number) {
    super(`agent did not answer ${step} within ${timeoutMs} ms`);
    this.name = 'AcpTimeoutError';
  }
}

async function withTimeout<T>(step: string, timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new AcpTimeoutError(step, timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function fsError(error: unknown, path: string): acp.RequestError {
  if (error instanceof PathOutsideWorkspaceError) return acp.RequestError.invalidParams({ path }, error.message);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return acp.RequestError.resourceNotFound(path);
  return acp.RequestError.internalError({ path }, (error as Error).message);
}

/**
 * Connect to the agent over its stdio, `initialize`, and open a session in the workspace.
 *
 * @throws AcpTimeoutError when `initialize` or `session/new` take longer than allowed;
 *   the agent's JSON-RPC error (`acp.RequestError`) when it refuses; a connection error when the
 *   agent's stdout closes (the caller reports the exit code).
 */
export async function openAcpSession(options: OpenAcpSessionOptions): Promise<AcpSession> {
  return (await connectAcp(options)).newSession();
}

/** An agent past ACP `initialize`, with no session yet (early-started: the checkout may still run). */
export interface AcpConnection {
  /**
   * `session/new` with the workspace as cwd (it must be checked out by now).
   * @throws as {@link openAcpSession}; the connection is closed then
   */
  newSession(): Promise<AcpSession>;
  /** Whether the agent's `initialize` answer offered `loadSession`. */
  readonly canLoadSession: boolean;
  /**
   * `session/load` of session `sessionId` with the workspace as cwd; the updates the agent sends to
   * replay the session's history are dropped. On a failure the connection stays open, so that
   * {@link newSession} can follow.
   * @throws AcpTimeoutError past ACP_INITIALIZE_TIMEOUT_MS; the agent's JSON-RPC error when it refuses
   */
  loadSession(sessionId: string): Promise<AcpSession>;
  /** Close the connection (pending requests reject). Does not stop the process. */
  close(): void;
}

/**
 * Connect to the agent over its stdio and `initialize` it; `session/new` is left to
 * {@link AcpConnection.newSession}. Needs nothing of the workspace but its path (issue 15: the
 * agent starts while the checkout runs).
 * @throws as {@link openAcpSession} for `initialize`
 */
export async function connectAcp(options: OpenAcpSessionOptions): Promise<AcpConnection> {
  const { workspacePath, logger } = options;
  let sessionId: string | null = null;
  // True while `session/load` runs: the agent replays the history as updates, which are dropped.
  let replaying = false;
  const checkSession = (requested: string): void => {
    if (requested !== sessionId) throw acp.RequestError.sessionNotFound(requested);
  };

  const app = acp
    .client({ name: 'flotilla-node-daemon' })
    .onNotification(acp.methods.client.session.update, ({ params }) => {
      if (replaying || (sessionId !== null && params.sessionId !== sessionId)) return;
      options.onUpdate(params);
    })
    .onRequest(acp.methods.client.session.requestPermission, async ({ params }) => {
      if (options.permissionPolicy === 'ask') return { outcome: await options.askPermission(params) };
      const outcome = choosePermissionOutcome(options.permissionPolicy, params.options);
      logger.info('answered permission request', {
        toolCallId: params.toolCall.toolCallId,
        policy: options.permissionPolicy,
        outcome: outcome.outcome === 'selected' ? outcome.optionId : 'cancelled',
      });
      return { outcome };
    })
    .onRequest(acp.methods.client.fs.readTextFile, async ({ params }) => {
      checkSession(params.sessionId);
      try {
        return { content: await readWorkspaceTextFile(workspacePath, params.path, params.line, params.limit) };
      } catch (error) {
        logger.warn('refused fs/read_text_file', { path: params.path, error: (error as Error).message });
        throw fsError(error, params.path);
      }
    })
    .onRequest(acp.methods.client.fs.writeTextFile, async ({ params }) => {
      checkSession(params.sessionId);
      try {
        await writeWorkspaceTextFile(workspacePath, params.path, params.content);
        return {};
      } catch (error) {
        logger.warn('refused fs/write_text_file', { path: params.path, error: (error as Error).message });
        throw fsError(error, params.path);
      }
    });

  const stream = acp.ndJsonStream(
    Writable.toWeb(options.agent.stdin) as WritableStream<Uint8Array>,
    Readable.toWeb(options.agent.stdout) as ReadableStream<Uint8Array>,
  );
  const connection = app.connect(stream);
  const agent = connection.agent;
  let canLoadSession = false;
  const initializeAt = Date.now();
  try {
    const init = await withTimeout('initialize', options.initializeTimeoutMs, (signal) =>
      agent.request(
        acp.methods.agent.initialize,
        {
          protocolVersion: acp.PROTOCOL_VERSION,
          clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: false },
          clientInfo: { name: 'flotilla-node-daemon', version: options.clientVersion },
        },
        { cancellationSignal: signal, stopWaitingOnCancel: true },
      ),
    );
    canLoadSession = init.agentCapabilities?.loadSession === true;
    logger.info('agent initialized', { ms: Date.now() - initializeAt });
    if (init.protocolVersion !== acp.PROTOCOL_VERSION) {
      logger.warn('agent speaks another ACP protocol version', { agentVersion: init.protocolVersion });
    }
  } catch (error) {
    connection.close(error);
    throw error;
  }
  return { newSession: () => openSession(), canLoadSession, loadSession: (id) => loadSession(id), close: () => connection.close() };

  async function loadSession(loadedId: string): Promise<AcpSession> {
    replaying = true;
    try {
      await withTimeout('session/load', options.initializeTimeoutMs, (signal) =>
        agent.request(acp.methods.agent.session.load, { sessionId: loadedId, cwd: workspacePath, mcpServers: [] }, { cancellationSignal: signal, stopWaitingOnCancel: true }),
      );
      // The replayed updates may still be in the SDK's chain of promises: one macrotask lets them land (dropped).
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      replaying = false;
    }
    sessionId = loadedId;
    return sessionOf(loadedId);
  }

  async function openSession(): Promise<AcpSession> {
    const sentAt = Date.now();
    try {
      const session = await withTimeout('session/new', options.initializeTimeoutMs, (signal) =>
        agent.request(
          acp.methods.agent.session.new,
          { cwd: workspacePath, mcpServers: [] },
          { cancellationSignal: signal, stopWaitingOnCancel: true },
        ),
      );
      sessionId = session.sessionId;
      logger.info('agent session opened', { ms: Date.now() - sentAt });
    } catch (error) {
      connection.close(error);
      throw error;
    }

    return sessionOf(sessionId);
  }

  function sessionOf(openedSessionId: string): AcpSession {
    return {
      sessionId: openedSessionId,
      canLoadSession,
      prompt: async (text) => {
        const response = await agent.request(acp.methods.agent.session.prompt, {
          sessionId: openedSessionId,
          prompt: [{ type: 'text', text }],
        });
        // The SDK dispatches a notification through a chain of promises; the updates the agent sent
        // before its response may still be in that chain. One macrotask lets them all land first.
        await new Promise((resolve) => setImmediate(resolve));
        return response;
      },
      cancel: () => agent.notify(acp.methods.agent.session.cancel, { sessionId: openedSessionId }),
      close: () => connection.close(),
    };
  }
}
