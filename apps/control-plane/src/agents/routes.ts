/**
 * Handler of `GET /api/agents` (contracts `publicApi.listAgents`; issue 13, item 3): every agent
 * type for the caller — what it is, the variables that configure it, the stored credential
 * (masked), what the newest node announcement says of it, and whether it is ready (agent-info.ts).
 * What the CLI's `flotilla agents` and the web app's agent pickers show.
 */
import { AgentType } from '@flotilla/contracts';
import type { PublicHandlers } from '../app-env.js';
import { callerId } from '../auth/principal.js';
import { listCredentials } from '../credentials/repository.js';
import { depsFromEnv } from '../deps.js';
import { latestAgentAnnouncement } from '../nodes/repository.js';
import { agentInfo } from './agent-info.js';

export const agentHandlers: PublicHandlers<'listAgents'> = {
  /** One entry per agent type, in the order of contracts `AgentType`. Reads D1 only; decrypts nothing. */
  listAgents: async (_request, c) => {
    const { db } = depsFromEnv(c.env);
    const [credentials, announced] = await Promise.all([listCredentials(db, callerId(c.get('principal'))), latestAgentAnnouncement(db)]);
    const stored = new Map(credentials.filter((credential) => credential.kind === 'agent').map((credential) => [credential.name, credential]));
    return { agents: AgentType.options.map((agentType) => agentInfo(agentType, stored.get(agentType) ?? null, announced)) };
  },
};
