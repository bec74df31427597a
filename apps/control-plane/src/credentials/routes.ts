/**
 * Handlers of the credential routes of the public API (contracts `publicApi`; issue 6, item 8):
 * the caller's own credentials (issue 14 item 3: a signed-in user's, or the operator's — local
 * mode's implicit user, the shared token; a project's runs use its owner's or each creator's,
 * credential-user.ts). Cloud credentials — a token is checked with its provider before it is saved,
 * stored encrypted, and never returned, only a mask. Agent credentials (issue 5, item 1; issue
 * 13: a key or Claude Code's OAuth token, with base URL and model) likewise: stored encrypted,
 * shown masked, and handed only to the node's model gateway when a run starts that agent
 * (agent-keys.ts). Repository tokens per git host: sent with each workspace of a repository on
 * that host (git-tokens.ts). Path params (provider, agent type, host) are checked by the table.
 * Saving and deleting are recorded in the audit log (audit/) as events of no project: which kind
 * and name, never the value.
 */
import { AGENT_CATALOG } from '@flotilla/contracts';
import { badRequest, errorMessage, notFound, unavailable } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { callerId } from '../auth/principal.js';
import { depsFromEnv } from '../deps.js';
import { tokenValidator } from '../nodes/providers.js';
import { saveAgentCredential } from './agent-keys.js';
import { saveCloudToken } from './cloud-tokens.js';
import { saveGitToken } from './git-tokens.js';
import { deleteCredential, listCredentials } from './repository.js';

export const credentialHandlers: PublicHandlers<
  'listCredentials' | 'putCloudCredential' | 'deleteCloudCredential' | 'putAgentCredential' | 'deleteAgentCredential' | 'putGitCredential' | 'deleteGitCredential'
> = {
  listCredentials: async (_request, c) => ({ credentials: await listCredentials(c.env.DB, callerId(c.get('principal'))) }),

  /**
   * Save the API token of a cloud provider. 400 when the provider refuses the token or needs
   * none; 503 when the provider cannot be reached to check it, or credential storage is not configured.
   */
  putCloudCredential: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const { provider } = params;
    const validate = tokenValidator(deps.config, provider);
    if (!validate) throw badRequest(`the ${provider} provider needs no credentials`);
    const checked = async (token: string) => {
      try {
        return await validate(token);
      } catch (error) {
        throw unavailable(`could not check the token with ${provider}: ${errorMessage(error)}`);
      }
    };
    const info = await saveCloudToken(deps, callerId(c.get('principal')), provider, body.token, checked);
    deps.log.child({ component: 'credentials' }).info('cloud credential saved', { provider, masked: info.masked });
    await recordFromRoute(c, { projectId: null, action: 'credential.set', target: { kind: 'credential', id: `cloud:${provider}` }, detail: { kind: 'cloud', name: provider, label: provider, secret: 'token' } });
    return info;
  },

  deleteCloudCredential: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    if (!(await deleteCredential(deps.db, { userId: callerId(c.get('principal')), kind: 'cloud', name: params.provider }))) throw notFound(`no ${params.provider} credential is saved`);
    deps.log.child({ component: 'credentials' }).info('cloud credential deleted', { provider: params.provider });
    await recordFromRoute(c, { projectId: null, action: 'credential.deleted', target: { kind: 'credential', id: `cloud:${params.provider}` }, detail: { kind: 'cloud', name: params.provider, label: params.provider, secret: 'token' } });
    return null;
  },

  /**
   * Save an agent type's credential, encrypted: `{apiKey | oauthToken, baseUrl?, model?}`. 400 for
   * an OAuth token for an agent other than Claude Code, or a model for one that takes none; 503
   * when credential storage is not configured.
   */
  putAgentCredential: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const info = await saveAgentCredential(deps, callerId(c.get('principal')), params.agentType, body);
    deps.log.child({ component: 'credentials' }).info('agent credential saved', { agentType: params.agentType, masked: info.masked, baseUrl: info.baseUrl, model: info.model });
    const secret = body.oauthToken !== undefined ? 'OAuth token' : 'API key';
    await recordFromRoute(c, { projectId: null, action: 'credential.set', target: { kind: 'credential', id: `agent:${params.agentType}` }, detail: { kind: 'agent', name: params.agentType, label: AGENT_CATALOG[params.agentType].label, secret } });
    return info;
  },

  deleteAgentCredential: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    if (!(await deleteCredential(deps.db, { userId: callerId(c.get('principal')), kind: 'agent', name: params.agentType }))) throw notFound(`no ${params.agentType} key is saved`);
    deps.log.child({ component: 'credentials' }).info('agent credential deleted', { agentType: params.agentType });
    await recordFromRoute(c, { projectId: null, action: 'credential.deleted', target: { kind: 'credential', id: `agent:${params.agentType}` }, detail: { kind: 'agent', name: params.agentType, label: AGENT_CATALOG[params.agentType].label, secret: 'credential' } });
    return null;
  },

  /**
   * Save a repository token for a git host (`hostname[:port]`): `{token, username?}`, encrypted.
   * Every workspace of an https repository on that host gets it for its clone, push and pull
   * request. The token is not checked here: a clone it cannot do fails the task with git's words.
   */
  putGitCredential: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const info = await saveGitToken(deps, callerId(c.get('principal')), params.host, body);
    deps.log.child({ component: 'credentials' }).info('git credential saved', { host: params.host, masked: info.masked });
    await recordFromRoute(c, { projectId: null, action: 'credential.set', target: { kind: 'credential', id: `git:${params.host}` }, detail: { kind: 'git', name: params.host, label: params.host, secret: 'token' } });
    return info;
  },

  deleteGitCredential: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    if (!(await deleteCredential(deps.db, { userId: callerId(c.get('principal')), kind: 'git', name: params.host }))) throw notFound(`no token for ${params.host} is saved`);
    deps.log.child({ component: 'credentials' }).info('git credential deleted', { host: params.host });
    await recordFromRoute(c, { projectId: null, action: 'credential.deleted', target: { kind: 'credential', id: `git:${params.host}` }, detail: { kind: 'git', name: params.host, label: params.host, secret: 'token' } });
    return null;
  },
};
