/**
 * The sandboxes of this node's workspaces (workspace-sandbox.ts): a workspace's HOME and TMPDIR are
 * made when it is created and removed with it; its model gateway and egress proxy start when
 * something first runs in it (its agent, a terminal — also after a daemon restart) and stop when it
 * is deleted or the daemon stops. Where the node has no sandbox (and nobody opted out), nothing
 * runs: {@link WorkspaceSandboxes.of} throws the reason.
 */
import { errorMessage, notFound, type Logger } from '@flotilla/kit';
import type { WorkspaceRecord } from '../db/workspace-store.js';
import type { SandboxUnavailable } from '../sandbox/index.js';
import { createSandboxDirs, removeSandboxDirs, sandboxDirs } from './sandbox-paths.js';
import { WorkspaceSandbox, type WorkspaceSandboxDeps } from './workspace-sandbox.js';

export interface WorkspaceSandboxesDeps extends Omit<WorkspaceSandboxDeps, 'sandbox'> {
  /** This node's sandbox, or why there is none. */
  sandbox: WorkspaceSandboxDeps['sandbox'] | SandboxUnavailable;
  workspaces: { get(workspaceId: string): WorkspaceRecord | undefined };
}

export class WorkspaceSandboxes {
  private readonly open = new Map<string, Promise<WorkspaceSandbox>>();
  private readonly logger: Logger;

  constructor(private readonly deps: WorkspaceSandboxesDeps) {
    this.logger = deps.logger.child({ component: 'workspace-sandbox' });
  }

  /** Make the HOME and TMPDIR of a new workspace (owner-only). */
  createDirs(workspaceId: string): void {
    createSandboxDirs(sandboxDirs(this.deps.config.dataDir, workspaceId));
  }

  /**
   * The sandbox of `workspaceId`, its gateway and proxy started on first use.
   * @throws Error with the reason when this node cannot sandbox agents; FlotillaError not_found for
   *   an unknown workspace; Error when its servers cannot start
   */
  of(workspaceId: string): Promise<WorkspaceSandbox> {
    const { sandbox } = this.deps;
    if (sandbox.kind === 'unavailable') return Promise.reject(new Error(sandbox.reason));
    const existing = this.open.get(workspaceId);
    if (existing) return existing;
    const workspace = this.deps.workspaces.get(workspaceId);
    if (!workspace) return Promise.reject(notFound(`workspace ${workspaceId} not found`));
    const opening = WorkspaceSandbox.open({ ...this.deps, sandbox }, workspace);
    this.open.set(workspaceId, opening);
    opening.then(
      () => this.logger.info('workspace sandbox started', { workspaceId, sandbox: sandbox.kind }),
      () => this.open.delete(workspaceId),
    );
    return opening;
  }

  /** Stop the workspace's gateway and proxy, and remove its HOME and TMPDIR (it is being deleted). */
  async remove(workspaceId: string): Promise<void> {
    await this.stop(workspaceId);
    await removeSandboxDirs(sandboxDirs(this.deps.config.dataDir, workspaceId));
  }

  /** Stop every gateway and proxy (daemon shutdown); the directories stay for the workspaces. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((workspaceId) => this.stop(workspaceId)));
  }

  private async stop(workspaceId: string): Promise<void> {
    const opening = this.open.get(workspaceId);
    if (!opening) return;
    this.open.delete(workspaceId);
    try {
      await (await opening).close();
    } catch (error) {
      this.logger.warn('workspace sandbox did not stop cleanly', { workspaceId, error: errorMessage(error) });
    }
  }
}
