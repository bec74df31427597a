/**
 * The background part of `startAgentSession` (DESIGN.md §2 hop 3): spawn the agent, open an ACP
 * session in the workspace, deliver the initial prompt as the first `session/prompt`, turn every
 * `session/update` into chat messages, and end the turn through task-completion.ts.
 *
 * This is the hop whose absence the post-mortem "missing initial prompt" describes: the prompt is
 * delivered here, by the daemon, with no browser involved.
 */
import type { SessionNotification } from '@agentclientprotocol/sdk';
import type { StartAgentSessionRequest } from '@flotilla/contracts';
import { withOverrides, type AgentCredentials } from '../agent-credentials.js';
import type { DaemonConfig } from '../config.js';
import type { AgentSessionStore } from '../db/agent-session-store.js';
import type { WorkspaceRecord } from '../db/workspace-store.js';
import { errorMessage } from '@flotilla/kit';
import type { Logger } from '@flotilla/kit';
import { openAcpSession } from './acp-connection.js';
import { buildAgentEnv } from './agent-env.js';
import { describeAgentFailure, describeExit, rejectOnExit } from './agent-failure.js';
import { AgentProcess } from './agent-process.js';
import { resolveAgentCommand } from './agent-registry.js';
import type { ChatMessageSink } from './chat-message-sink.js';
import { ChatMessageTranslator, type TranslatedMessage } from './chat-message-translator.js';
import { deliverQueuedPrompts } from './follow-up-turn.js';
import type { LiveAgentSession } from './live-agent-session.js';
import { completeTask, failTask, type TaskCompletionDeps } from './task-completion.js';

export interface InitialTurnDeps extends TaskCompletionDeps {
  sessions: AgentSessionStore;
  outbox: ChatMessageSink;
  config: Pick<
    DaemonConfig,
    | 'dataDir'
    | 'agentCommandOverrides'
    | 'agentEnvPassthrough'
    | 'agentStderrTailBytes'
    | 'agentExitGraceMs'
    | 'agentKillTimeoutMs'
    | 'agentCancelGraceMs'
    | 'permissionRequestTimeoutMs'
    | 'acpInitializeTimeoutMs'
  >;
  credentials: AgentCredentials;
  daemonVersion: string;
}

export interface InitialTurn {
  live: LiveAgentSession;
  workspace: WorkspaceRecord;
  /** Chat session the messages go to; null: no chat, messages are not reported. */
  chatSessionId: string | null;
  request: StartAgentSessionRequest;
}

/**
 * Where a session's chat messages go: each into the outbox (durable before anything else happens
 * with it), then the text the translator is still coalescing is kept as the workspace's draft
 * (so a crash loses none of it). Without a chat session (a workspace with no project) nothing is
 * persisted.
 */
function chatEmitter(
  outbox: ChatMessageSink,
  workspace: WorkspaceRecord,
  chatSessionId: string | null,
  translator: ChatMessageTranslator,
  logger: Logger,
): (messages: TranslatedMessage[]) => void {
  const workspaceId = workspace.id;
  if (chatSessionId === null) {
    logger.info('no project chat for this agent session; its messages are not persisted', { projectId: workspace.projectId });
  }
  let draftKey: string | null = null;
  return (messages) => {
    if (chatSessionId === null) return;
    for (const message of messages) {
      try {
        outbox.enqueue(workspaceId, { ...message, sessionId: chatSessionId });
      } catch (error) {
        logger.warn('chat message not enqueued', { messageId: message.messageId, role: message.role, error: errorMessage(error) });
      }
    }
    const draft = translator.draft();
    const key = draft ? `${draft.messageId}:${draft.content.length}` : null;
    if (key === draftKey) return;
    draftKey = key;
    outbox.saveDraft(workspaceId, draft ? { ...draft, sessionId: chatSessionId } : null);
  };
}

/**
 * Run the initial turn to its end. Never throws: every outcome is recorded in the session's
 * status and, when the session belongs to a task, reported with the task callback.
 *
 * Session status: `starting` → `running` (prompt sent) → `idle` (turn completed; the agent stays
 * alive until the workspace is deleted) or `failed` (agent stopped). An idle agent that exits on
 * its own moves the session to `stopped`. When the daemon stops the agent itself (workspace
 * deleted, shutdown), nothing more is reported.
 */
export async function runInitialTurn(deps: InitialTurnDeps, turn: InitialTurn): Promise<void> {
  const { live, workspace, request } = turn;
  const logger = deps.logger.child({
    component: 'agent-session',
    workspaceId: workspace.id,
    agentSessionId: live.agentSessionId,
    agentType: request.agentType,
  });
  const translator = new ChatMessageTranslator();
  const emit = chatEmitter(deps.outbox, workspace, turn.chatSessionId, translator, logger);
  // Follow-up prompts (follow-up-turn.ts) use the same translator, so the chat stays in order.
  live.chat = { translator, emit };
  live.turnActive = true;
  const setStatus = (status: 'running' | 'idle' | 'failed' | 'stopped', error: string | null = null): void =>
    deps.sessions.setStatus(workspace.id, live.agentSessionId, status, error);

  // The chat shows the prompt first; with initialPromptMessageId it deduplicates against the
  // copy the control plane stored when the task was created.
  emit(translator.userPrompt(request.initialPrompt, request.initialPromptMessageId));

  let agent: AgentProcess | null = null;
  try {
    const { command, args } = resolveAgentCommand(request.agentType, deps.config.agentCommandOverrides);
    agent = await AgentProcess.spawn({
      command,
      args,
      cwd: workspace.path,
      env: buildAgentEnv({
        agentType: request.agentType,
        dataDir: deps.config.dataDir,
        // The user's stored key, when the control plane sent one, overrides the daemon's own.
        credentials: withOverrides(deps.credentials, request.agentCredentials),
        passthrough: deps.config.agentEnvPassthrough,
        sourceEnv: process.env,
        isRoot: process.getuid?.() === 0,
      }),
      stderrTailBytes: deps.config.agentStderrTailBytes,
    });
    live.process = agent;
    if (live.stopRequested) {
      await agent.stop(deps.config.agentKillTimeoutMs);
      return;
    }
    logger.info('agent process started', { pid: agent.pid, command });

    const onUpdate = (notification: SessionNotification): void => {
      // The outbox first (durable), then the live stream of the direct channel.
      emit(translator.translate(notification.update));
      live.updates.push(notification.update);
    };
    live.acp = await Promise.race([
      openAcpSession({
        agent,
        workspacePath: workspace.path,
        permissionPolicy: request.permissionPolicy,
        askPermission: (params) => live.permissions.ask(params),
        onUpdate,
        initializeTimeoutMs: deps.config.acpInitializeTimeoutMs,
        clientVersion: deps.daemonVersion,
        logger,
      }),
      rejectOnExit(agent),
    ]);
    if (live.stopRequested) return;
    setStatus('running');
    logger.info('delivering the initial prompt', { acpSessionId: live.acp.sessionId, chars: request.initialPrompt.length });

    const prompt = live.acp.prompt(request.initialPrompt);
    live.promptInFlight = prompt;
    const response = await Promise.race([prompt, rejectOnExit(agent)]);
    live.promptInFlight = null;
    emit(translator.flush());
    if (live.stopRequested) return;
    logger.info('turn ended', { stopReason: response.stopReason });
    // Follow-ups a viewer sent during the turn are delivered before the turn counts as over.
    const stopReason = response.stopReason === 'end_turn' ? ((await deliverQueuedPrompts(live, logger)) ?? 'end_turn') : response.stopReason;
    if (live.stopRequested) return;

    if (stopReason !== 'end_turn') {
      await failTurn(`the agent ended the turn with stop reason "${stopReason}"`);
      return;
    }
    await finishTurn(agent, translator.lastAssistantText);
  } catch (error) {
    emit(translator.flush());
    if (live.stopRequested) return;
    await failTurn(await describeAgentFailure(error, agent, deps.config.agentExitGraceMs));
  }

  async function finishTurn(agentProcess: AgentProcess, lastAssistantText: string | null): Promise<void> {
    // The agent is idle now and stays alive until the workspace is deleted.
    live.turnActive = false;
    setStatus('idle');
    void agentProcess.exited.then((exit) => {
      if (live.stopRequested) return;
      const failed = exit.code !== 0;
      logger[failed ? 'warn' : 'info']('idle agent exited', { code: exit.code, signal: exit.signal });
      setStatus('stopped', failed ? describeExit(exit) : null);
    });
    if (request.taskId === null) return;
    try {
      await completeTask(deps, {
        taskId: request.taskId,
        taskTitle: request.taskTitle,
        workspaceId: workspace.id,
        workspacePath: workspace.path,
        branch: workspace.branch,
        base: workspace.baseCommit ?? `origin/${workspace.baseBranch}`,
        baseBranch: workspace.baseBranch,
        lastAssistantText,
      });
    } catch (error) {
      logger.error('task callback not delivered', { taskId: request.taskId, error: errorMessage(error) });
    }
  }

  async function failTurn(reason: string): Promise<void> {
    logger.warn('turn failed', { error: reason });
    live.turnActive = false;
    setStatus('failed', reason);
    await live.stop(deps.config.agentKillTimeoutMs);
    if (request.taskId === null) return;
    try {
      await failTask(deps, request.taskId, workspace.id, reason);
    } catch (error) {
      logger.error('task callback not delivered', { taskId: request.taskId, error: errorMessage(error) });
    }
  }
}
