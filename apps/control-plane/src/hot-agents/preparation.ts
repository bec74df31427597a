/**
 * Keeping a project's hot agents (issue 15, item 2): after a task's run on a node ends and the
 * node is still there (ready or warm), the project's `hotAgents` setting is made good for the
 * task's agent type — each missing hot agent is recorded (`ready`) and prepared on that node
 * (`POST {node}/hot-agents`: clone, spawn the agent in the workspace's sandbox, ACP `initialize`
 * and `session/new`). A hot agent is prepared with exactly what a task workspace of the project
 * gets: the project's repository and egress allowlist, the repository token and stored agent key
 * of the node's user (whose credentials the run that left the node used) — nothing of any task.
 * A task takes it only when it runs on that user's credentials (claim.ts). A claimed one is replaced the same way when its task's run ends.
 */
import { egressAllowlistFor, gitHostOf, type AgentType, type PrepareHotAgentRequest } from '@flotilla/contracts';
import { errorMessage, type Logger } from '@flotilla/kit';
import { signCallbackToken } from '../auth/tokens.js';
import { agentCredentialsFor } from '../credentials/agent-keys.js';
import { gitCredentialFor } from '../credentials/git-tokens.js';
import type { Deps } from '../deps.js';
import { requireCredentialChannel } from '../nodes/credential-channel.js';
import { nodeDaemonClient } from '../nodes/node-client.js';
import { getNode } from '../nodes/repository.js';
import { getProject } from '../projects/repository.js';
import { countReadyHotAgents, insertHotAgent, markHotAgentGone } from './repository.js';

/**
 * Prepare on node `nodeId` the hot agents `projectId` lacks for `agentType`. Best effort: a
 * failure is logged (the hot agent recorded for it is marked gone) and never thrown — a task
 * without a hot agent simply starts the usual way.
 * @returns how many it asked the node to prepare
 */
export async function topUpHotAgents(deps: Deps, at: { projectId: string; agentType: AgentType; nodeId: string }, log: Logger): Promise<number> {
  try {
    const project = await getProject(deps.db, at.projectId);
    if (!project || project.hotAgents === 0) return 0;
    const node = await getNode(deps.db, at.nodeId);
    if (!node?.url || (node.status !== 'ready' && node.status !== 'warm')) return 0;
    const missing = project.hotAgents - (await countReadyHotAgents(deps.db, project.id, at.agentType));
    let prepared = 0;
    for (let i = 0; i < missing; i += 1) {
      const row = await insertHotAgent(deps.db, { projectId: project.id, agentType: at.agentType, nodeId: node.id });
      const body: PrepareHotAgentRequest = {
        hotAgentId: row.id,
        workspaceId: row.workspace_id,
        agentSessionId: row.agent_session_id,
        projectId: project.id,
        repoUrl: project.repoUrl,
        baseBranch: project.defaultBranch,
        agentType: at.agentType,
        callbackToken: await signCallbackToken(deps, node.id, deps.config.CALLBACK_TOKEN_TTL_MS, row.workspace_id),
        egressAllowlist: egressAllowlistFor({ repoUrl: project.repoUrl, agentType: at.agentType, projectAllowlist: project.egressAllowlist }),
      };
      const gitCredential = await gitCredentialFor(deps, node.user_id, project.repoUrl);
      if (gitCredential) {
        requireCredentialChannel({ id: node.id, url: node.url }, `the repository token for ${gitHostOf(project.repoUrl) ?? 'this repository'}`);
        body.gitCredential = gitCredential;
      }
      const agentCredentials = await agentCredentialsFor(deps, node.user_id, at.agentType);
      if (agentCredentials) {
        requireCredentialChannel({ id: node.id, url: node.url }, `the stored ${at.agentType} API key`);
        body.agentCredentials = agentCredentials;
      }
      try {
        await nodeDaemonClient(deps, { id: node.id, url: node.url }).prepareHotAgent({ body });
        prepared += 1;
        log.info('hot agent prepared', { hotAgentId: row.id, projectId: project.id, agentType: at.agentType, nodeId: node.id });
      } catch (error) {
        await markHotAgentGone(deps.db, row.id);
        throw error;
      }
    }
    return prepared;
  } catch (error) {
    log.warn('hot agents not prepared', { projectId: at.projectId, agentType: at.agentType, nodeId: at.nodeId, error: errorMessage(error) });
    return 0;
  }
}
