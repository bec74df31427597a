/**
 * Workspace records in the daemon database (table `workspaces`), so a restarted daemon still
 * knows its workspaces, their branches and their callback tokens.
 */
import type { WorkspaceInfo, WorkspaceStatus } from '@flotilla/contracts';
import type { SqliteDatabase } from './database.js';

/**
 * A workspace's status in this daemon: the contracts' (DESIGN.md §3), plus `standby` — the shell a
 * warm agent waits in (hot-agents/warm-agent-service.ts) until a create-workspace request fills it.
 * A standby is no workspace yet: it is never listed, reported or served.
 */
export type DaemonWorkspaceStatus = WorkspaceStatus | 'standby';

export interface WorkspaceRecord {
  id: string;
  /** Absolute path of the checkout, `<dataDir>/workspaces/<id>`. */
  path: string;
  /** The task branch, e.g. `task/<taskId>`. */
  branch: string;
  baseBranch: string;
  /** Commit the task branch started from; null until the checkout is done. */
  baseCommit: string | null;
  status: DaemonWorkspaceStatus;
  /** Workspace-scoped callback JWT. Never log it. */
  callbackToken: string;
  projectId: string | null;
  chatSessionId: string | null;
  taskId: string | null;
  /** The project's repository (CreateWorkspaceRequest.repoUrl): where the task branch is pushed, whatever the checkout's `origin` says. Null for workspaces recorded before it was kept. */
  repoUrl: string | null;
  /** Hosts its agent may reach through its egress proxy (CreateWorkspaceRequest.egressAllowlist). */
  egressAllowlist: string[];
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewWorkspace = Omit<WorkspaceRecord, 'baseCommit' | 'status' | 'error' | 'createdAt' | 'updatedAt'>;

interface Row {
  id: string;
  path: string;
  branch: string;
  base_branch: string;
  base_commit: string | null;
  status: DaemonWorkspaceStatus;
  callback_token: string;
  project_id: string | null;
  chat_session_id: string | null;
  task_id: string | null;
  repo_url: string | null;
  egress_allowlist: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

function toRecord(row: Row): WorkspaceRecord {
  return {
    id: row.id,
    path: row.path,
    branch: row.branch,
    baseBranch: row.base_branch,
    baseCommit: row.base_commit,
    status: row.status,
    callbackToken: row.callback_token,
    projectId: row.project_id,
    chatSessionId: row.chat_session_id,
    taskId: row.task_id,
    repoUrl: row.repo_url,
    egressAllowlist: JSON.parse(row.egress_allowlist) as string[],
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The public view of a workspace (`WorkspaceInfo` in contracts node.ts): no token. A standby is shown as `creating` (callers never show one). */
export function toWorkspaceInfo(record: WorkspaceRecord): WorkspaceInfo {
  return {
    workspaceId: record.id,
    status: record.status === 'standby' ? 'creating' : record.status,
    path: record.path,
    branch: record.branch,
    error: record.error,
  };
}

/**
 * What a create-workspace request sets, in column order: branch, base_branch, callback_token,
 * project_id, chat_session_id, task_id, repo_url, egress_allowlist.
 */
function requestColumns(workspace: Omit<NewWorkspace, 'id' | 'path'>): Array<string | null> {
  return [
    workspace.branch,
    workspace.baseBranch,
    workspace.callbackToken,
    workspace.projectId,
    workspace.chatSessionId,
    workspace.taskId,
    workspace.repoUrl,
    JSON.stringify(workspace.egressAllowlist),
  ];
}

/** Synchronous CRUD over the `workspaces` table (better-sqlite3). */
export class WorkspaceStore {
  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Insert a workspace in status `creating`.
   *
   * @returns false when a workspace with this id already exists (nothing changed).
   */
  insert(workspace: NewWorkspace): boolean {
    const now = new Date().toISOString();
    const result = this.db
      .prepare(
        `INSERT INTO workspaces (id, path, branch, base_branch, status, callback_token, project_id,
           chat_session_id, task_id, repo_url, egress_allowlist, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'creating', ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(workspace.id, workspace.path, ...requestColumns(workspace), now, now);
    return result.changes > 0;
  }

  /**
   * Insert the shell of a warm agent, `<dataDir>/workspaces/<id>` in status `standby`: no
   * repository, branch, task or token until {@link fillStandby}.
   * @returns false when the id exists (in any status)
   */
  insertStandby(standby: { id: string; path: string; egressAllowlist: string[] }): boolean {
    const now = new Date().toISOString();
    const result = this.db
      .prepare(
        `INSERT INTO workspaces (id, path, branch, base_branch, status, callback_token, egress_allowlist, created_at, updated_at)
         VALUES (?, ?, '', '', 'standby', '', ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(standby.id, standby.path, JSON.stringify(standby.egressAllowlist), now, now);
    return result.changes > 0;
  }

  /**
   * Make standby `workspace.id` the workspace of a create-workspace request (status `creating`);
   * its path stays the standby's. @returns false when no standby of that id exists
   */
  fillStandby(workspace: Omit<NewWorkspace, 'path'>): boolean {
    const result = this.db
      .prepare(
        `UPDATE workspaces SET branch = ?, base_branch = ?, status = 'creating', callback_token = ?, project_id = ?,
           chat_session_id = ?, task_id = ?, repo_url = ?, egress_allowlist = ?, updated_at = ?
         WHERE id = ? AND status = 'standby'`,
      )
      .run(...requestColumns(workspace), new Date().toISOString(), workspace.id);
    return result.changes > 0;
  }

  /** Forget the agent session records of standby `id` (its warm agent is gone). No-op for a workspace that is no standby. */
  deleteStandbySessions(id: string): void {
    if (this.get(id)?.status !== 'standby') return;
    this.db.prepare('DELETE FROM agent_sessions WHERE workspace_id = ?').run(id);
  }

  /** Forget standby `id` and its agent session records (its agent is gone). No-op for a workspace that is no standby. */
  deleteStandby(id: string): void {
    this.db.transaction(() => {
      this.deleteStandbySessions(id);
      this.db.prepare("DELETE FROM workspaces WHERE id = ? AND status = 'standby'").run(id);
    })();
  }

  get(id: string): WorkspaceRecord | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM workspaces WHERE id = ?').get(id);
    return row ? toRecord(row) : undefined;
  }

  /** Workspaces in any of `statuses`, oldest first. */
  listByStatus(statuses: readonly DaemonWorkspaceStatus[]): WorkspaceRecord[] {
    const rows = this.db
      .prepare<[string], Row>(
        'SELECT * FROM workspaces WHERE status IN (SELECT value FROM json_each(?)) ORDER BY created_at, id',
      )
      .all(JSON.stringify(statuses));
    return rows.map(toRecord);
  }

  /** Set the status (and the error, null clears it). */
  setStatus(id: string, status: WorkspaceStatus, error: string | null = null): void {
    this.db
      .prepare('UPDATE workspaces SET status = ?, error = ?, updated_at = ? WHERE id = ?')
      .run(status, error, new Date().toISOString(), id);
  }

  /**
   * Replace the workspace's callback token (a refreshed one, from a heartbeat answer).
   *
   * @returns false when the daemon has no workspace with this id (nothing changed).
   */
  updateCallbackToken(id: string, callbackToken: string): boolean {
    const result = this.db
      .prepare('UPDATE workspaces SET callback_token = ?, updated_at = ? WHERE id = ?')
      .run(callbackToken, new Date().toISOString(), id);
    return result.changes > 0;
  }

  /** Record the commit the task branch was created from. */
  setBaseCommit(id: string, baseCommit: string): void {
    this.db
      .prepare('UPDATE workspaces SET base_commit = ?, updated_at = ? WHERE id = ?')
      .run(baseCommit, new Date().toISOString(), id);
  }

  /**
   * A prepared workspace (a hot agent's, issue 15) becomes a task's: its branch, task, chat
   * session, callback token and base commit replace the preparation's.
   */
  adoptForTask(id: string, task: { branch: string; taskId: string; chatSessionId: string | null; callbackToken: string; baseCommit: string }): void {
    this.db
      .prepare('UPDATE workspaces SET branch = ?, task_id = ?, chat_session_id = ?, callback_token = ?, base_commit = ?, updated_at = ? WHERE id = ?')
      .run(task.branch, task.taskId, task.chatSessionId, task.callbackToken, task.baseCommit, new Date().toISOString(), id);
  }
}
