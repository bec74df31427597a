/**
 * Who may call each route of the public API that needs authentication (issue 14, item 2). The
 * control plane checks it for every request before the handler runs (members/access.ts), and a
 * test generates its cases from this table — a new `apiToken` route does not type-check until it
 * is listed here.
 *
 * - `project:read` / `project:write` / `project:manage` / `project:own`: a route of one project
 *   (its `:projectId`, or the project of its `:taskId`) for a member with at least the role
 *   viewer / member / admin / owner. Not a member: 404, as for a project that does not exist;
 *   a member whose role is too low: 403 naming the role needed.
 * - `account`: any signed-in user; the handler answers about the caller's own things (their
 *   projects, their tokens, their browser's push subscription) or makes them (a project they own).
 * - `deployment`: the deployment's administrators only (the first user, and those an admin made
 *   one): nodes, users, sweeps, the audit of no project. Others: 403.
 *
 * Local mode's implicit user and the shared API token (FLOTILLA_API_TOKEN) are the operator: they
 * pass every check, and so does a deployment administrator — they see every project as its owner.
 */
import type { PublicApi } from './public-api.js';

/** What a route requires of its caller. */
export type RouteAccess = 'project:read' | 'project:write' | 'project:manage' | 'project:own' | 'account' | 'deployment';

/** The names of the public routes guarded by the API token (and so by {@link routeAccess}). */
export type GuardedRouteName = { [K in keyof PublicApi]: PublicApi[K]['auth'] extends 'apiToken' ? K : never }[keyof PublicApi];

/** Every guarded public route and what it requires. */
export const routeAccess = {
  // Users (auth/).
  listUsers: 'deployment',
  approveUser: 'deployment',
  // Projects.
  createProject: 'account',
  listProjects: 'account',
  getProject: 'project:read',
  updateProject: 'project:manage',
  // Costs.
  getProjectUsage: 'project:read',
  getSessionUsage: 'project:read',
  // Tasks.
  createTask: 'project:write',
  listTasks: 'project:read',
  getProjectTask: 'project:read',
  updateTask: 'project:write',
  markTaskReady: 'project:write',
  runTask: 'project:write',
  cancelTask: 'project:write',
  retryTask: 'project:write',
  getTaskDiff: 'project:read',
  openPullRequest: 'project:write',
  getTask: 'project:read',
  getTaskSteps: 'project:read',
  listHotAgents: 'project:read',
  // Chat.
  listSessions: 'project:read',
  projectEvents: 'project:read',
  getChatSession: 'project:read',
  listMessages: 'project:read',
  sendPrompt: 'project:write',
  // Workspaces. A viewer token opens the agent's live channel (it can answer the agent): a write.
  createWorkspace: 'project:write',
  getWorkspace: 'project:read',
  listWorkspaces: 'project:read',
  deleteWorkspace: 'project:write',
  viewerToken: 'project:write',
  // Nodes are the deployment's; credentials each user's own (issue 14 item 3).
  listNodes: 'deployment',
  sweepNodes: 'deployment',
  getNode: 'deployment',
  destroyNode: 'deployment',
  listAgents: 'account',
  listCredentials: 'account',
  putCloudCredential: 'account',
  deleteCloudCredential: 'account',
  putAgentCredential: 'account',
  deleteAgentCredential: 'account',
  putGitCredential: 'account',
  deleteGitCredential: 'account',
  // Triggers.
  listTriggers: 'project:manage',
  createTrigger: 'project:manage',
  updateTrigger: 'project:manage',
  deleteTrigger: 'project:manage',
  sweepTriggers: 'deployment',
  // Personal API tokens: the caller's own.
  listApiTokens: 'account',
  createApiToken: 'account',
  getCurrentApiToken: 'account',
  revokeApiToken: 'account',
  // Notifications.
  listWebhooks: 'project:manage',
  createWebhook: 'project:manage',
  deleteWebhook: 'project:manage',
  listWebhookDeliveries: 'project:manage',
  answerPermissionRequest: 'project:write',
  getVapidPublicKey: 'account',
  putPushSubscription: 'account',
  deletePushSubscription: 'account',
  // Audit.
  listProjectAudit: 'project:manage',
  listAudit: 'deployment',
  // Members.
  listMembers: 'project:read',
  inviteMember: 'project:manage',
  updateMember: 'project:manage',
  removeMember: 'project:manage',
  cancelInvite: 'project:manage',
  transferOwnership: 'project:own',
} as const satisfies Record<GuardedRouteName, RouteAccess>;
