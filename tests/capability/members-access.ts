/**
 * Cases of the access tests (members.test.ts), generated from the route table (`publicApi`) and
 * what each route requires (`routeAccess`), never listed by hand: a new guarded route is tested
 * as soon as it exists. Path parameters are filled from the ids a test made (A's task, session,
 * workspace, trigger, webhook, invite, user) or a harmless sample; a route that takes a body gets
 * a valid one from {@link SAMPLE_BODIES} (needed where the access check lets the caller through
 * and the handler must find the sub-resource).
 */
import { pathParamNames, publicApi, routeAccess, type GuardedRouteName, type RouteAccess } from '@flotilla/contracts';

/** One request of a generated case. */
export interface RouteCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
}

/** Path parameters naming something inside a project (a sub-resource). */
export const SUB_RESOURCE_PARAMS: readonly string[] = ['taskId', 'sessionId', 'workspaceId', 'triggerId', 'webhookId', 'requestId', 'inviteId', 'userId'];

/** Values of the path parameters of routes of no project (nodes, credentials, tokens). */
const SAMPLE_PARAMS: Readonly<Record<string, string>> = { nodeId: 'nod_sample', provider: 'hetzner', agentType: 'claude-code', host: 'github.com', tokenId: 'tok_sample' };

/** A valid body for each guarded route that takes one. */
const SAMPLE_BODIES: Partial<Record<GuardedRouteName, unknown>> = {
  createProject: { name: 'sample', repoUrl: 'https://github.com/example/sample.git' },
  updateProject: { name: 'renamed' },
  createTask: { description: 'say: sample' },
  updateTask: { title: 'renamed' },
  sendPrompt: { text: 'hello' },
  createWorkspace: {},
  putCloudCredential: { token: 'sample-token' },
  putAgentCredential: { apiKey: 'sample-key' },
  putGitCredential: { token: 'sample-token' },
  createTrigger: { kind: 'webhook', name: 'sample', template: { description: 'say: sample' } },
  updateTrigger: { enabled: false },
  sweepTriggers: {},
  createApiToken: { name: 'sample' },
  createWebhook: { url: 'https://hooks.example.invalid/sample' },
  answerPermissionRequest: { optionId: 'allow' },
  putPushSubscription: { endpoint: 'https://push.example.invalid/sample', keys: { p256dh: 'x', auth: 'y' } },
  deletePushSubscription: { endpoint: 'https://push.example.invalid/sample' },
  inviteMember: { githubLogin: 'sample', role: 'viewer' },
  updateMember: { role: 'viewer' },
  transferOwnership: { userId: 'usr_sample' },
};

/**
 * The requests of every guarded route whose access is one of `levels`, on project `projectId`
 * with the sub-resource `ids` (by parameter name). With `onlyWith`, only the routes having one of
 * those path parameters.
 * @throws Error naming a route whose path parameter has no value, or that takes a body without a sample
 */
export function routeCases(options: { levels: readonly RouteAccess[]; projectId: string; ids: Readonly<Record<string, string>>; onlyWith?: readonly string[] }): RouteCase[] {
  const cases: RouteCase[] = [];
  for (const [name, access] of Object.entries(routeAccess) as Array<[GuardedRouteName, RouteAccess]>) {
    if (!options.levels.includes(access)) continue;
    const spec = publicApi[name];
    const params = pathParamNames(spec.path);
    if (options.onlyWith && !params.some((param) => options.onlyWith!.includes(param))) continue;
    const path = params.reduce((filled, param) => {
      const value = param === 'projectId' ? options.projectId : (options.ids[param] ?? SAMPLE_PARAMS[param]);
      if (value === undefined) throw new Error(`route ${name}: no value for its path parameter ${param}`);
      return filled.replace(`:${param}`, encodeURIComponent(value));
    }, spec.path as string);
    const takesBody = 'body' in spec && spec.body !== undefined;
    if (takesBody && !(name in SAMPLE_BODIES)) throw new Error(`route ${name} takes a body: add a valid one to SAMPLE_BODIES`);
    cases.push({ name, method: spec.method, path, ...(takesBody ? { body: SAMPLE_BODIES[name] } : {}) });
  }
  return cases;
}
