import * as z from 'zod';
import { CredentialsFrom } from './members.js';
import { AgentAvailability, AgentType, ModelApi } from './agents.js';
import { DailyBudget } from './costs.js';
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
    /** The project's daily budget (costs.ts); null: none. */
    dailyBudget: DailyBudget.nullable().optional(),
    /** Hot agents to keep per agent type (issue 15, contracts hot-agents.ts); 0 keeps none. */
    hotAgents: z.number().int().min(0).max(5).optional(),
    /** Whose stored credentials its runs use: the owner's, or each task's creator's (members.ts `CredentialsFrom`). */
    credentialsFrom: CredentialsFrom.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'at least one setting must be given');
export type UpdateProjectRequest = z.infer<typeof UpdateProjectRequest>;

const Secret = z.string().trim().min(8).max(4096);

/**
 * `PUT /api/credentials/agents/:agentType` body: an agent's credential, stored encrypted — an API
 * key, or (Claude Code) a subscription's OAuth token from `claude setup-token`; with the base URL
 * of the API it is for (an OpenAI-compatible server's, with its `/v1`; absent: the vendor's) and
 * the model to ask for (OpenCode, Qwen Code and Cline need one; Codex and Gemini CLI take it when
 * given). Its key replaces the node's key(s) of that model API, its base URL and model, when given,
 * the node's (contracts agents.ts `AgentCredentialOverrides`).
 */
export const PutAgentCredentialRequest = z
  .strictObject({
    apiKey: Secret.optional(),
    oauthToken: Secret.optional(),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL' })
      .max(2048)
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    model: z.string().trim().min(1).max(200).optional(),
  })
  .refine((body) => (body.apiKey === undefined) !== (body.oauthToken === undefined), 'give exactly one of apiKey and oauthToken');
export type PutAgentCredentialRequest = z.infer<typeof PutAgentCredentialRequest>;

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
  /** An agent credential's base URL and model, when stored with it (neither is secret). */
  baseUrl: z.string().optional(),
  model: z.string().optional(),
});
export type CredentialInfo = z.infer<typeof CredentialInfo>;

/**
 * One agent type as `GET /api/agents` shows it to a user: what it is, what it needs, and whether
 * it can run — with the user's stored credential (`credential`), or with what the nodes announced
 * (`nodes`: the newest node announcement, null until a node of this deployment announced; its
 * `missing` settings are what the node's own environment lacks). `ready`: installed, and either a
 * stored credential with what the agent needs or a node environment lacking nothing; `missing` says
 * what to set otherwise.
 */
export const AgentInfo = z.object({
  agentType: AgentType,
  label: z.string(),
  summary: z.string(),
  package: z.string(),
  modelApi: ModelApi,
  /** The variables that configure it (key, base URL, model), for the CLI's and the node's environment. */
  settings: z.array(z.string()),
  credential: CredentialInfo.nullable(),
  nodes: AgentAvailability.nullable(),
  ready: z.boolean(),
  missing: z.array(z.string()),
});
export type AgentInfo = z.infer<typeof AgentInfo>;
