import { z } from 'zod';
import { AgentType } from './agents.js';
import { EgressAllowlist } from './egress.js';
import { GitBranchName } from './git-names.js';

/** Provider-neutral machine size; each provider maps it to its own machine type. */
export const VmSize = z.enum(['small', 'medium', 'large']);
export type VmSize = z.infer<typeof VmSize>;
export const DEFAULT_VM_SIZE: VmSize = 'small';

/** Cloud providers a node can come from. */
export const ProviderName = z.enum(['local', 'hetzner']);
export type ProviderName = z.infer<typeof ProviderName>;

/** `PATCH /api/projects/:projectId` body: project settings. `null` clears to the platform default. */
export const UpdateProjectRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    defaultBranch: GitBranchName.optional(),
    defaultAgentType: AgentType.optional(),
    defaultVmSize: VmSize.nullable().optional(),
    defaultProvider: ProviderName.optional(),
    egressAllowlist: EgressAllowlist.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'at least one setting must be given');
export type UpdateProjectRequest = z.infer<typeof UpdateProjectRequest>;

/** `PUT /api/credentials/agents/:agentType` body: an agent API key, stored encrypted. */
export const PutAgentCredentialRequest = z.object({ apiKey: z.string().trim().min(8).max(4096) });

/** `PUT /api/credentials/cloud/:provider` body: a cloud API token, validated then stored encrypted. */
export const PutCloudCredentialRequest = z.object({ token: z.string().trim().min(8).max(4096) });

/** Username git sends with a repository token when none is given (GitHub's convention; most hosts accept any). */
export const DEFAULT_GIT_USERNAME = 'x-access-token';

/**
 * `PUT /api/credentials/git/:host` body: a repository token for every https repository on
 * `host` (e.g. a GitHub fine-grained token with contents and pull-request write access), and
 * the username git sends with it (default {@link DEFAULT_GIT_USERNAME}).
 */
export const PutGitCredentialRequest = z.strictObject({
  token: z.string().trim().min(8).max(4096),
  username: z.string().trim().min(1).max(256).optional(),
});
export type PutGitCredentialRequest = z.infer<typeof PutGitCredentialRequest>;

/** A stored credential as the API shows it: never the secret, only a mask. */
export const CredentialInfo = z.object({
  kind: z.enum(['agent', 'cloud', 'git']),
  name: z.string(),
  masked: z.string(),
  updatedAt: z.string(),
});
export type CredentialInfo = z.infer<typeof CredentialInfo>;
