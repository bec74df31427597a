import { z } from 'zod';
import { AgentType } from './agents.js';
import { ProviderName, VmSize } from './settings.js';

/** `POST /api/projects` body. `repoUrl` is a local path or any git URL. */
export const CreateProjectRequest = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(200),
  repoUrl: z.string().trim().min(1, 'repoUrl must not be empty').max(2000),
  defaultBranch: z
    .string()
    .trim()
    .min(1)
    .max(250)
    .regex(/^[A-Za-z0-9._/-]+$/, 'defaultBranch has characters git does not allow')
    .optional(),
  defaultAgentType: AgentType.optional(),
  defaultVmSize: VmSize.optional(),
  defaultProvider: ProviderName.optional(),
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
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof Project>;
