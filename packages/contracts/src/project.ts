import * as z from 'zod';
import { CredentialsFrom, ProjectRole } from './members.js';
import { AgentType } from './agents.js';
import { DailyBudget } from './costs.js';
import { HotAgentCount } from './hot-agents.js';
import { EgressAllowlist } from './egress.js';
import { GitBranchName, RepositoryUrl } from './git-names.js';
import { ProviderName, VmSize } from './settings.js';

/** `POST /api/projects` body. `repoUrl` is an absolute local path or a git URL (git-names.ts). */
export const CreateProjectRequest = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(200),
  repoUrl: RepositoryUrl,
  defaultBranch: GitBranchName.optional(),
  defaultAgentType: AgentType.optional(),
  defaultVmSize: VmSize.optional(),
  defaultProvider: ProviderName.optional(),
  /** Hosts its workspaces' agents may reach besides the defaults (contracts egress.ts). */
  egressAllowlist: EgressAllowlist.optional(),
});
export type CreateProjectRequest = z.infer<typeof CreateProjectRequest>;

export const Project = z.object({
  id: z.string(),
  name: z.string(),
  repoUrl: z.string(),
  defaultBranch: z.string(),
  defaultAgentType: AgentType,
  /** null: the platform default (`small`). */
  defaultVmSize: VmSize.nullable(),
  defaultProvider: ProviderName,
  /** Hosts its workspaces' agents may reach besides the defaults (git host, package registries, model API). */
  egressAllowlist: EgressAllowlist,
  /** Tokens or dollars per UTC day; once the day's usage reaches it new tasks wait, queued (costs.ts). Null: no budget. */
  dailyBudget: DailyBudget.nullable().optional(),
  /** Hot agents it keeps per agent type (issue 15; 0: none). */
  hotAgents: HotAgentCount,
  /** The caller's role in the project (members.ts): `owner` for the operator and deployment administrators. Absent where an answer is not for one caller. */
  role: ProjectRole.optional(),
  /** Whose stored credentials its runs use (members.ts `CredentialsFrom`). */
  credentialsFrom: CredentialsFrom.default('owner'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof Project>;
