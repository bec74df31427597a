/**
 * Workspaces of this node (DESIGN.md §2 steps `workspace_creation` / `workspace_ready`; state
 * machine `creating -> running -> stopping -> destroyed`, plus `error`, §3).
 *
 * `createWorkspace` answers at once; the checkout runs in the background and ends with
 * `POST /api/workspaces/:id/ready` on the control plane. Each workspace has a mirror the daemon
 * owns, `<dataDir>/mirrors/<id>.git` (git/mirror.ts: the only repository git runs in with the
 * credentials), made with the checkout and removed with it.
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateWorkspaceRequest, EarlyAgentStart, WorkspaceInfo, WorkspaceReadyRequest } from '@flotilla/contracts';
import { toWorkspaceInfo, type WorkspaceStore } from '../db/workspace-store.js';
import { badRequest, conflict, errorMessage, notFound } from '@flotilla/kit';
import type { CheckoutGit } from '../git/checkout-git.js';
import type { GitCredentialRegistry } from '../git/git-credentials.js';
import { mirrorPathFor, removeMirror } from '../git/mirror.js';
import { createCheckout } from '../git/workspace-checkout.js';
import type { Logger } from '@flotilla/kit';
import { validateBranchName, validateWorkspaceId } from './names.js';

/** What taking a warm agent's shell gave a create-workspace request (hot-agents/warm-agent-service.ts `take`). */
export type StandbyTaken =
  /** The warm agent is the request's early agent: `openSession` gets whether the checkout succeeded (and the request wants `session/new` then). */
  | { agent: true; openSession(checkedOut: Promise<boolean>): void }
  /** The shell is the workspace, its agent is gone: start the request's early agent as usual. */
  | { agent: false };

export interface WorkspaceServiceDeps {
  store: WorkspaceStore;
  /**
   * Stops the agents of a workspace being deleted (or whose checkout failed); starts a task's
   * agent with the checkout (agent-session-service.ts `startEarly`).
   */
  agents: {
    stopWorkspaceAgents(workspaceId: string): Promise<void>;
    startEarly(workspaceId: string, chatSessionId: string | null, taskId: string | null, early: EarlyAgentStart, checkedOut: Promise<boolean>): void;
  };
  /**
   * Warm agents' shells (hot-agents/warm-agent-service.ts): a request for a standby's id takes it —
   * the record, directory and sandbox are the standby's, and its agent is the request's early agent
   * when they match. Absent: no warm agents.
   */
  standbys?: { take(request: CreateWorkspaceRequest): StandbyTaken | null };
  /** The workspaces' sandboxes: HOME and TMPDIR made with a workspace, removed (with its gateway and proxy) with it. */
  sandboxes: { createDirs(workspaceId: string): void; remove(workspaceId: string): Promise<void> };
  controlPlane: { workspaceReady(workspaceId: string, body: WorkspaceReadyRequest): Promise<void> };
  dataDir: string;
  gitCloneTimeoutMs: number;
  gitCommandTimeoutMs: number;
  /** Repository credentials sent with create requests, kept in memory (git-credentials.ts). */
  gitCredentials: GitCredentialRegistry;
  /** git on a checkout, in the workspace's sandbox (git/checkout-git.ts). */
  checkoutGit: CheckoutGit;
  logger: Logger;
}

interface Creation {
  abort: AbortController;
  done: Promise<void>;
}

/** A promise and the function that settles it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** `<dataDir>/workspaces/<id>`: a workspace's checkout (the id is checked: no path separators). */
export function workspacePathFor(dataDir: string, workspaceId: string): string {
  return join(dataDir, 'workspaces', workspaceId);
}

export class WorkspaceService {
  private readonly creations = new Map<string, Creation>();
  private readonly logger: Logger;

  constructor(private readonly deps: WorkspaceServiceDeps) {
    this.logger = deps.logger.child({ component: 'workspaces' });
  }

  /** `<dataDir>/workspaces/<id>`. */
  workspacePath(workspaceId: string): string {
    return workspacePathFor(this.deps.dataDir, workspaceId);
  }

  /** `<dataDir>/mirrors/<id>.git`: the daemon's mirror of the workspace's repository (git/mirror.ts). */
  mirrorPath(workspaceId: string): string {
    return mirrorPathFor(this.deps.dataDir, workspaceId);
  }

  /**
   * Record a workspace (status `creating`) and start its checkout in the background: the mirror
   * of `repoUrl`, the checkout cloned from it in the workspace's sandbox, branch `branch` from
   * `origin/<baseBranch>`, then the workspace-ready callback (`running`, or `error` with the reason).
   *
   * `options.notifyReady` false: no ready callback (a hot agent's workspace, which the control
   * plane does not know as a workspace until a task claims it; {@link whenCreated} tells instead).
   *
   * @throws FlotillaError bad_request (id or branch names unusable), conflict (id exists).
   */
  createWorkspace(request: CreateWorkspaceRequest, options: { notifyReady?: boolean } = {}): WorkspaceInfo {
    const problem =
      validateWorkspaceId(request.workspaceId) ??
      validateBranchName('branch', request.branch) ??
      validateBranchName('baseBranch', request.baseBranch);
    if (problem) throw badRequest(problem);
    const path = this.workspacePath(request.workspaceId);
    // A warm agent's shell of this id becomes the workspace (its record is filled, not inserted).
    const standby = this.deps.standbys?.take(request) ?? null;
    const inserted = standby !== null || this.deps.store.insert({
      id: request.workspaceId,
      path,
      branch: request.branch,
      baseBranch: request.baseBranch,
      callbackToken: request.callbackToken,
      projectId: request.projectId,
      chatSessionId: request.chatSessionId,
      taskId: request.taskId,
      repoUrl: request.repoUrl,
      egressAllowlist: request.egressAllowlist,
    });
    if (!inserted) throw conflict(`workspace ${request.workspaceId} already exists`);
    this.deps.sandboxes.createDirs(request.workspaceId);
    if (request.gitCredential) this.deps.gitCredentials.set(request.workspaceId, request.repoUrl, request.gitCredential);
    this.logger.info('workspace creating', { workspaceId: request.workspaceId, branch: request.branch, earlyAgent: request.earlyAgent !== undefined, warmAgent: standby?.agent ?? false });
    // True once the checkout succeeded (before anyone is told), false when it failed or was cancelled.
    const checkedOut = deferred<boolean>();
    if (standby?.agent) {
      // The warm agent is this workspace's early agent: it opens its session once the checkout succeeded.
      standby.openSession(checkedOut.promise);
    } else if (request.earlyAgent) {
      // The sandbox binds the checkout's directory: it exists (empty) before the agent starts in
      // it, and the checkout clones into it (git/workspace-checkout.ts).
      mkdirSync(path, { recursive: true });
      this.deps.agents.startEarly(request.workspaceId, request.chatSessionId, request.taskId, request.earlyAgent, checkedOut.promise);
    }

    const abort = new AbortController();
    const done = this.checkOut(request, path, abort.signal, options.notifyReady ?? true, () => checkedOut.resolve(true)).finally(() => {
      checkedOut.resolve(false);
      this.creations.delete(request.workspaceId);
    });
    this.creations.set(request.workspaceId, { abort, done });
    return this.getWorkspace(request.workspaceId);
  }

  /** Resolves when the workspace's checkout is over (done, failed or cancelled); at once when none runs. */
  whenCreated(workspaceId: string): Promise<void> {
    return this.creations.get(workspaceId)?.done ?? Promise.resolve();
  }

  /** The checkout, then the ready callback; `onCheckedOut` runs when it succeeded, before the callback. */
  private async checkOut(request: CreateWorkspaceRequest, path: string, signal: AbortSignal, notifyReady: boolean, onCheckedOut: () => void): Promise<void> {
    const id = request.workspaceId;
    const auth = this.deps.gitCredentials.get(id);
    let body: WorkspaceReadyRequest;
    try {
      const baseCommit = await createCheckout({
        repoUrl: request.repoUrl,
        path,
        mirror: this.mirrorPath(id),
        checkoutGit: this.deps.checkoutGit,
        baseBranch: request.baseBranch,
        branch: request.branch,
        ...(request.continueBranch ? { continueBranch: true } : {}),
        cloneTimeoutMs: this.deps.gitCloneTimeoutMs,
        commandTimeoutMs: this.deps.gitCommandTimeoutMs,
        signal,
        ...(auth ? { auth } : {}),
      });
      if (signal.aborted) return;
      this.deps.store.setBaseCommit(id, baseCommit);
      this.deps.store.setStatus(id, 'running');
      onCheckedOut();
      this.logger.info('workspace ready', { workspaceId: id, baseCommit });
      body = { status: 'running' };
    } catch (error) {
      if (signal.aborted) return;
      const message = errorMessage(error);
      // An agent started with the checkout gets no workspace: it stops before anyone hears of the failure.
      if (request.earlyAgent) await this.deps.agents.stopWorkspaceAgents(id);
      this.deps.store.setStatus(id, 'error', message);
      this.logger.warn('workspace creation failed', { workspaceId: id, error: message });
      body = { status: 'error', error: message };
    }
    if (!notifyReady) return;
    try {
      await this.deps.controlPlane.workspaceReady(id, body);
    } catch (error) {
      this.logger.error('workspace-ready callback not delivered', { workspaceId: id, error: errorMessage(error) });
    }
  }

  /** Every workspace not yet destroyed, oldest first. */
  listWorkspaces(): WorkspaceInfo[] {
    return this.deps.store.listByStatus(['creating', 'running', 'stopping', 'error']).map(toWorkspaceInfo);
  }

  /** Ids for the node heartbeat: every workspace not yet destroyed. */
  activeWorkspaceIds(): string[] {
    return this.listWorkspaces().map((workspace) => workspace.workspaceId);
  }

  /** @throws FlotillaError not_found. */
  getWorkspace(workspaceId: string): WorkspaceInfo {
    const record = this.deps.store.get(workspaceId);
    // A warm agent's shell is no workspace until a create request fills it.
    if (!record || record.status === 'standby') throw notFound(`workspace ${workspaceId} not found`);
    return toWorkspaceInfo(record);
  }

  /** The workspace's callback token, also after it was destroyed (late messages still go out). */
  callbackToken(workspaceId: string): string | undefined {
    return this.deps.store.get(workspaceId)?.callbackToken;
  }

  /**
   * Delete a workspace: cancel a checkout in progress, stop its agents, its sandbox's gateway and
   * proxy, remove its directory, its mirror, and its sandbox's HOME and TMPDIR.
   * Idempotent: deleting a destroyed workspace answers `destroyed` again.
   *
   * @throws FlotillaError not_found (never existed on this node).
   */
  async destroyWorkspace(workspaceId: string): Promise<WorkspaceInfo> {
    const record = this.deps.store.get(workspaceId);
    if (!record) throw notFound(`workspace ${workspaceId} not found`);
    if (record.status === 'destroyed') return toWorkspaceInfo(record);
    this.deps.store.setStatus(workspaceId, 'stopping', record.error);
    const creation = this.creations.get(workspaceId);
    if (creation) {
      creation.abort.abort();
      await creation.done;
    }
    await this.deps.agents.stopWorkspaceAgents(workspaceId);
    await this.deps.sandboxes.remove(workspaceId);
    await rm(record.path, { recursive: true, force: true });
    await removeMirror(this.mirrorPath(workspaceId));
    this.deps.gitCredentials.delete(workspaceId);
    this.deps.store.setStatus(workspaceId, 'destroyed', record.error);
    this.logger.info('workspace destroyed', { workspaceId });
    return this.getWorkspace(workspaceId);
  }

  /**
   * After a restart: a checkout that was `creating` was cut short — it becomes `error` and the
   * control plane is told (in the background); a deletion that was `stopping` is finished.
   */
  recoverAfterRestart(): void {
    for (const record of this.deps.store.listByStatus(['stopping'])) {
      void this.destroyWorkspace(record.id).catch((error: unknown) => {
        this.logger.error('could not finish deleting workspace', { workspaceId: record.id, error: errorMessage(error) });
      });
    }
    const error = 'the node daemon restarted while the workspace was being created';
    for (const record of this.deps.store.listByStatus(['creating'])) {
      this.deps.store.setStatus(record.id, 'error', error);
      void rm(record.path, { recursive: true, force: true })
        .then(() => removeMirror(this.mirrorPath(record.id)))
        .then(() => this.deps.controlPlane.workspaceReady(record.id, { status: 'error', error }))
        .catch((failure: unknown) => {
          this.logger.error('workspace-ready callback not delivered', { workspaceId: record.id, error: errorMessage(failure) });
        });
    }
  }
}
