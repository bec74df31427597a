/**
 * Hot agents of this node (issue 15, contracts hot-agents.ts): workspaces prepared ahead of any
 * task for one project and agent type — the repository cloned (workspace-service.ts, with no
 * ready callback: the control plane keeps the hot agent, not a workspace), the agent spawned in
 * the workspace's sandbox with the project owner's credentials exactly as for a task, and its ACP
 * session opened (prepared-agent-session.ts). A task claims one once: the claim fetches and
 * checks out the task's branch (hot-checkout.ts); the task's start then delivers its prompt.
 *
 * Kept in memory only: a daemon that restarts has none, and removes the workspaces of those it
 * had ({@link HotAgentService.recoverAfterRestart}) — a claim then answers 404 and the control
 * plane, which drops the node's hot agents when the daemon announces itself again, starts the
 * task the usual way.
 */
import type { ClaimHotAgentRequest, NodeHotAgentInfo, PrepareHotAgentRequest } from '@flotilla/contracts';
import { conflict, errorMessage, notFound, type Logger } from '@flotilla/kit';
import type { AgentSessionService } from '../agents/session/agent-session-service.js';
import type { WorkspaceStore } from '../db/workspace-store.js';
import type { CheckoutGit } from '../git/checkout-git.js';
import type { GitCredentialRegistry } from '../git/git-credentials.js';
import type { WorkspaceSandboxes } from '../workspace-sandbox/workspace-sandboxes.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { checkOutTaskBranch } from './hot-checkout.js';
import type { PreparedAgentSession } from './prepared-agent-session.js';

/** The branch a hot agent's checkout is prepared on; it names the workspace as a hot agent's. */
export const HOT_BRANCH_PREFIX = 'hot/';

export interface HotAgentServiceDeps {
  workspaces: WorkspaceService;
  workspaceStore: WorkspaceStore;
  agentSessions: AgentSessionService;
  sandboxes: Pick<WorkspaceSandboxes, 'of'>;
  gitCredentials: GitCredentialRegistry;
  checkoutGit: CheckoutGit;
  gitCloneTimeoutMs: number;
  gitCommandTimeoutMs: number;
  logger: Logger;
}

interface Entry {
  info: NodeHotAgentInfo;
  request: PrepareHotAgentRequest;
  session: PreparedAgentSession | null;
  /** Settles when the preparation is over (status `ready` or `failed`); never rejects. */
  prepared: Promise<void>;
}

export class HotAgentService {
  private readonly entries = new Map<string, Entry>();
  private readonly logger: Logger;

  constructor(private readonly deps: HotAgentServiceDeps) {
    this.logger = deps.logger.child({ component: 'hot-agents' });
  }

  /**
   * Start preparing a hot agent; answers at once with status `preparing`.
   * @throws FlotillaError conflict (the hot agent or its workspace exists), bad_request (names)
   */
  prepare(request: PrepareHotAgentRequest): NodeHotAgentInfo {
    if (this.entries.has(request.hotAgentId)) throw conflict(`hot agent ${request.hotAgentId} exists`);
    this.deps.workspaces.createWorkspace(
      {
        workspaceId: request.workspaceId,
        repoUrl: request.repoUrl,
        baseBranch: request.baseBranch,
        branch: `${HOT_BRANCH_PREFIX}${request.hotAgentId}`,
        projectId: request.projectId,
        chatSessionId: null,
        taskId: null,
        callbackToken: request.callbackToken,
        egressAllowlist: request.egressAllowlist,
        ...(request.gitCredential ? { gitCredential: request.gitCredential } : {}),
      },
      { notifyReady: false },
    );
    const info: NodeHotAgentInfo = { hotAgentId: request.hotAgentId, workspaceId: request.workspaceId, agentSessionId: request.agentSessionId, agentType: request.agentType, status: 'preparing', error: null };
    const entry: Entry = { info, request, session: null, prepared: Promise.resolve() };
    entry.prepared = this.prepareAgent(entry);
    this.entries.set(request.hotAgentId, entry);
    this.logger.info('hot agent preparing', { hotAgentId: info.hotAgentId, workspaceId: info.workspaceId, agentType: info.agentType });
    return { ...info };
  }

  private async prepareAgent(entry: Entry): Promise<void> {
    const { request } = entry;
    try {
      await this.deps.workspaces.whenCreated(request.workspaceId);
      const workspace = this.deps.workspaceStore.get(request.workspaceId);
      if (workspace?.status !== 'running') throw new Error(workspace?.error ?? 'the checkout did not finish');
      entry.session = this.deps.agentSessions.prepareAgentSession(request.workspaceId, request.agentSessionId, {
        agentType: request.agentType,
        initialPrompt: 'prepared',
        taskId: null,
        taskTitle: null,
        permissionPolicy: 'allow',
        ...(request.agentCredentials ? { agentCredentials: request.agentCredentials } : {}),
      });
      await entry.session.prepare();
      if (entry.info.status === 'preparing') entry.info.status = 'ready';
      this.logger.info('hot agent ready', { hotAgentId: request.hotAgentId });
    } catch (error) {
      entry.info.error = errorMessage(error);
      if (entry.info.status === 'preparing') entry.info.status = 'failed';
      this.logger.warn('hot agent preparation failed', { hotAgentId: request.hotAgentId, error: entry.info.error });
      // Nothing is left to claim: its agent and workspace go now (a claim then answers 409).
      if (entry.info.status === 'failed') {
        await this.deps.workspaces.destroyWorkspace(request.workspaceId).catch((failure: unknown) => {
          this.logger.warn('could not remove a hot agent workspace', { hotAgentId: request.hotAgentId, error: errorMessage(failure) });
        });
      }
    }
  }

  /** Every hot agent this daemon keeps (since it started). */
  list(): NodeHotAgentInfo[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.info }));
  }

  /**
   * Task `request.taskId` takes hot agent `hotAgentId`: marked claimed at once (a second claim is
   * refused), its preparation awaited, its checkout fetched and put on the task's branch, its
   * workspace record made the task's. The prompt goes by the agent session's start route.
   * @throws FlotillaError not_found (no such hot agent here: e.g. the daemon restarted), conflict
   *   (claimed before, its preparation failed or its agent is gone — its workspace is removed)
   */
  async claim(hotAgentId: string, request: ClaimHotAgentRequest): Promise<NodeHotAgentInfo> {
    const entry = this.entries.get(hotAgentId);
    if (!entry) throw notFound(`hot agent ${hotAgentId} not found on this node`);
    if (entry.info.status === 'claimed') throw conflict(`hot agent ${hotAgentId} was claimed already`);
    entry.info.status = 'claimed';
    await entry.prepared;
    const { workspaceId } = entry.request;
    if (entry.info.error !== null || !entry.session?.usable) {
      await this.discard(entry);
      throw conflict(`hot agent ${hotAgentId} cannot be used: ${entry.info.error ?? 'its agent is gone'}`);
    }
    const workspace = this.deps.workspaceStore.get(workspaceId);
    if (!workspace) throw notFound(`workspace ${workspaceId} of hot agent ${hotAgentId} not found`);
    if (request.gitCredential) this.deps.gitCredentials.set(workspaceId, entry.request.repoUrl, request.gitCredential);
    const auth = this.deps.gitCredentials.get(workspaceId);
    try {
      const baseCommit = await checkOutTaskBranch({
        repoUrl: entry.request.repoUrl,
        mirror: this.deps.workspaces.mirrorPath(workspaceId),
        path: workspace.path,
        baseBranch: entry.request.baseBranch,
        branch: request.branch,
        preparedBranch: workspace.branch,
        preparedBase: workspace.baseCommit,
        commandTimeoutMs: this.deps.gitCommandTimeoutMs,
        fetchTimeoutMs: this.deps.gitCloneTimeoutMs,
        checkoutGit: this.deps.checkoutGit,
        ...(auth ? { auth } : {}),
      });
      this.deps.workspaceStore.adoptForTask(workspaceId, { branch: request.branch, taskId: request.taskId, chatSessionId: request.chatSessionId, callbackToken: request.callbackToken, baseCommit });
      (await this.deps.sandboxes.of(workspaceId)).assignTask(request.taskId);
    } catch (error) {
      await this.discard(entry);
      throw conflict(`hot agent ${hotAgentId} could not check out ${request.branch}: ${errorMessage(error)}`);
    }
    this.entries.delete(hotAgentId);
    this.logger.info('hot agent claimed', { hotAgentId, taskId: request.taskId, workspaceId });
    return { ...entry.info };
  }

  /** Remove a hot agent that cannot be used: its agent and its workspace. Never throws. */
  private async discard(entry: Entry): Promise<void> {
    this.entries.delete(entry.info.hotAgentId);
    await this.deps.workspaces.destroyWorkspace(entry.request.workspaceId).catch((error: unknown) => {
      this.logger.warn('could not remove a hot agent workspace', { hotAgentId: entry.info.hotAgentId, error: errorMessage(error) });
    });
  }

  /**
   * After a restart no hot agent of the previous run exists: the workspaces prepared for them
   * (branch `hot/…`, no task) are removed, in the background.
   */
  recoverAfterRestart(): void {
    for (const workspace of this.deps.workspaceStore.listByStatus(['creating', 'running', 'error'])) {
      if (workspace.taskId !== null || !workspace.branch.startsWith(HOT_BRANCH_PREFIX)) continue;
      this.logger.info('removing the workspace of a hot agent lost in a restart', { workspaceId: workspace.id });
      void this.deps.workspaces.destroyWorkspace(workspace.id).catch((error: unknown) => {
        this.logger.warn('could not remove a hot agent workspace', { workspaceId: workspace.id, error: errorMessage(error) });
      });
    }
  }
}
