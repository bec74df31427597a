/**
 * The caller's role in a project (issue 14, item 2), for the web app to show only what that role
 * may do: a viewer reads, a member also writes (runs tasks, chats, makes workspaces), an admin
 * also manages (settings, triggers, webhooks, members, the audit log), the owner also hands the
 * project over. The role comes with the project (`Project.role`); a project without one is the
 * operator's (local mode, the shared API token): the owner. The server refuses what a role may not
 * do anyway (403); hiding the controls only keeps the page honest.
 */
import { roleAtLeast, type ProjectRole } from '@flotilla/contracts';
import { useProject } from './queries';

/** The role a project answer gives its caller: `role`, or owner when it names none (the operator). */
export function roleOf(project: { role?: ProjectRole }): ProjectRole {
  return project.role ?? 'owner';
}

export interface ProjectRights {
  /** The caller's role; null while the project is loading (then nothing that writes shows). */
  role: ProjectRole | null;
  /** May write: run, cancel and retry tasks, chat, make and delete workspaces (member and up). */
  canWrite: boolean;
  /** May manage: settings, triggers, webhooks, members, the audit log (admin and up). */
  canManage: boolean;
  /** Is the owner: may make and remove admins and transfer ownership. */
  isOwner: boolean;
}

/** What the caller may do in `project`'s role (null: not known yet, nothing allowed). */
export function rightsOf(role: ProjectRole | null): ProjectRights {
  return {
    role,
    canWrite: role !== null && roleAtLeast(role, 'member'),
    canManage: role !== null && roleAtLeast(role, 'admin'),
    isOwner: role === 'owner',
  };
}

/** The caller's rights in project `projectId`, from its cached (or fetched) answer. */
export function useProjectRights(projectId: string): ProjectRights {
  const project = useProject(projectId);
  return rightsOf(project.data ? roleOf(project.data) : null);
}
