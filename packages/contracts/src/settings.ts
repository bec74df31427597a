import { z } from 'zod';
import { AgentType } from './agents.js';

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
    defaultBranch: z.string().trim().min(1).max(250).regex(/^[A-Za-z0-9._/-]+$/).optional(),
    defaultAgentType: AgentType.optional(),
    defaultVmSize: VmSize.nullable().optional(),
    defaultProvider: ProviderName.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'at least one setting must be given');
export type UpdateProjectRequest = z.infer<typeof UpdateProjectRequest>;

/** `PUT /api/credentials/agents/:agentType` body: an agent API key, stored encrypted. */
export const PutAgentCredentialRequest = z.object({ apiKey: z.string().trim().min(8).max(4096) });

/** `PUT /api/credentials/cloud/:provider` body: a cloud API token, validated then stored encrypted. */
export const PutCloudCredentialRequest = z.object({ token: z.string().trim().min(8).max(4096) });

/** A stored credential as the API shows it: never the secret, only a mask. */
export const CredentialInfo = z.object({
  kind: z.enum(['agent', 'cloud']),
  name: z.string(),
  masked: z.string(),
  updatedAt: z.string(),
});
export type CredentialInfo = z.infer<typeof CredentialInfo>;
