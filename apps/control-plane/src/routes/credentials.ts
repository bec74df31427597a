/**
 * `/api/credentials` (issue 6, item 8): the user's cloud credentials. A token is checked with
 * its provider before it is saved, stored encrypted, and never returned — only a mask.
 * Agent API keys (issue 5, item 1) likewise: stored encrypted, shown masked, and handed only
 * to the agent process a task starts (services/agent-credentials.ts). Repository tokens per git
 * host: sent with each workspace of a repository on that host (services/git-credentials.ts).
 */
import { AgentType, GitHost, ProviderName, PutAgentCredentialRequest, PutCloudCredentialRequest, PutGitCredentialRequest } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { deleteCredential, listCredentials } from '../db/credentials-repository.js';
import { readConfig } from '../env.js';
import { badRequest, HttpError, notFound } from '../lib/errors.js';
import { createLogger, errorMessage } from '../lib/logger.js';
import { parseJsonBody, parseWith } from '../lib/validation.js';
import { saveAgentKey } from '../services/agent-credentials.js';
import { saveCloudToken } from '../services/cloud-credentials.js';
import { saveGitToken } from '../services/git-credentials.js';
import { IMPLICIT_USER_ID } from '../services/node-selection.js';
import { tokenValidator } from '../services/providers.js';

const log = createLogger('credentials');

export const credentialsRoutes = new Hono<AppEnv>()
  /** The user's credentials, masked: `{credentials: CredentialInfo[]}`. */
  .get('/', async (c) => c.json({ credentials: await listCredentials(c.env.DB, IMPLICIT_USER_ID) }))
  /**
   * Save the API token of cloud provider `:provider` (`{token}`). 200 with the masked credential;
   * 400 when the provider refuses the token or needs none; 503 when the provider cannot be
   * reached to check it, or credential storage is not configured.
   */
  .put('/cloud/:provider', async (c) => {
    const provider = parseWith(ProviderName, c.req.param('provider'));
    const { token } = await parseJsonBody(c, PutCloudCredentialRequest);
    const validate = tokenValidator(c.env, provider, readConfig(c.env).OUTBOUND_REQUEST_TIMEOUT_MS);
    if (!validate) throw badRequest(`the ${provider} provider needs no credentials`);
    const checked = async (value: string) => {
      try {
        return await validate(value);
      } catch (error) {
        throw new HttpError('unavailable', `could not check the token with ${provider}: ${errorMessage(error)}`);
      }
    };
    const info = await saveCloudToken(c.env, IMPLICIT_USER_ID, provider, token, checked);
    log.info('cloud credential saved', { provider, masked: info.masked });
    return c.json(info);
  })
  /** Forget the token of `:provider`. 204; 404 when none was saved. */
  .delete('/cloud/:provider', async (c) => {
    const provider = parseWith(ProviderName, c.req.param('provider'));
    if (!(await deleteCredential(c.env.DB, { userId: IMPLICIT_USER_ID, kind: 'cloud', name: provider }))) throw notFound(`no ${provider} credential is saved`);
    log.info('cloud credential deleted', { provider });
    return c.body(null, 204);
  })
  /**
   * Save the API key of agent type `:agentType` (`{apiKey}`), encrypted. 200 with the masked
   * credential; 400 for an unknown agent type, one that takes no key, or a bad body; 503 when
   * credential storage is not configured.
   */
  .put('/agents/:agentType', async (c) => {
    const agentType = parseWith(AgentType, c.req.param('agentType'));
    const { apiKey } = await parseJsonBody(c, PutAgentCredentialRequest);
    const info = await saveAgentKey(c.env, IMPLICIT_USER_ID, agentType, apiKey);
    log.info('agent credential saved', { agentType, masked: info.masked });
    return c.json(info);
  })
  /** Forget the API key of `:agentType`. 204; 400 for an unknown agent type; 404 when none was saved. */
  .delete('/agents/:agentType', async (c) => {
    const agentType = parseWith(AgentType, c.req.param('agentType'));
    if (!(await deleteCredential(c.env.DB, { userId: IMPLICIT_USER_ID, kind: 'agent', name: agentType }))) throw notFound(`no ${agentType} key is saved`);
    log.info('agent credential deleted', { agentType });
    return c.body(null, 204);
  })
  /**
   * Save a repository token for the git host `:host` (`hostname[:port]`, e.g. `github.com`):
   * `{token, username?}`, encrypted. Every workspace of an https repository on that host gets it
   * for its clone, push and pull request. 200 with the masked credential; 400 for a bad host or
   * body; 503 when credential storage is not configured. The token is not checked here: a clone
   * it cannot do fails the task with git's own words.
   */
  .put('/git/:host', async (c) => {
    const host = parseWith(GitHost, c.req.param('host'));
    const body = await parseJsonBody(c, PutGitCredentialRequest);
    const info = await saveGitToken(c.env, IMPLICIT_USER_ID, host, body);
    log.info('git credential saved', { host, masked: info.masked });
    return c.json(info);
  })
  /** Forget the repository token of `:host`. 204; 400 for a bad host; 404 when none was saved. */
  .delete('/git/:host', async (c) => {
    const host = parseWith(GitHost, c.req.param('host'));
    if (!(await deleteCredential(c.env.DB, { userId: IMPLICIT_USER_ID, kind: 'git', name: host }))) throw notFound(`no token for ${host} is saved`);
    log.info('git credential deleted', { host });
    return c.body(null, 204);
  });
