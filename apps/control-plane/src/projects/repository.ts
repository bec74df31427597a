/** D1 storage of projects: `projects`. Every SQL statement on it is here. */
import { CredentialsFrom, DailyBudget, newId, type AgentType, type CreateProjectRequest, type Project, type ProviderName, type UpdateProjectRequest, type VmSize } from '@flotilla/contracts';

interface ProjectRow {
  id: string;
  name: string;
  repo_url: string;
  default_branch: string;
  default_agent_type: string;
  default_vm_size: string | null;
  default_provider: string;
  /** JSON array of host names (migration 0005). */
  egress_allowlist: string;
  /** JSON contracts `DailyBudget`, or null (migration 0014). */
  daily_budget?: string | null;
  /** Hot agents kept per agent type (migration 0011). */
  hot_agents: number;
  /** Whose credentials its runs use (migration 0021). */
  credentials_from?: string;
  created_at: string;
  updated_at: string;
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    repoUrl: row.repo_url,
    defaultBranch: row.default_branch,
    defaultAgentType: row.default_agent_type as AgentType,
    defaultVmSize: row.default_vm_size as VmSize | null,
    defaultProvider: row.default_provider as ProviderName,
    egressAllowlist: JSON.parse(row.egress_allowlist) as string[],
    dailyBudget: row.daily_budget ? DailyBudget.parse(JSON.parse(row.daily_budget)) : null,
    hotAgents: row.hot_agents ?? 0,
    credentialsFrom: CredentialsFrom.catch('owner').parse(row.credentials_from),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The default branch of a project created without one. */
export const DEFAULT_PROJECT_BRANCH = 'main';

/** Insert a new project (defaults: branch `main`, provider `local`, the given agent type). */
export async function insertProject(db: D1Database, input: CreateProjectRequest, defaults: { agentType: AgentType }): Promise<Project> {
  const now = new Date().toISOString();
  const row: ProjectRow = {
    id: newId('prj'),
    name: input.name,
    repo_url: input.repoUrl,
    default_branch: input.defaultBranch ?? DEFAULT_PROJECT_BRANCH,
    default_agent_type: input.defaultAgentType ?? defaults.agentType,
    default_vm_size: input.defaultVmSize ?? null,
    default_provider: input.defaultProvider ?? 'local',
    egress_allowlist: JSON.stringify(input.egressAllowlist ?? []),
    hot_agents: 0,
    created_at: now,
    updated_at: now,
  };
  await db
    .prepare(
      'INSERT INTO projects (id, name, repo_url, default_branch, default_agent_type, default_vm_size, default_provider, egress_allowlist, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(row.id, row.name, row.repo_url, row.default_branch, row.default_agent_type, row.default_vm_size, row.default_provider, row.egress_allowlist, row.created_at, row.updated_at)
    .run();
  return toProject(row);
}

/** A project, or null. */
export async function getProject(db: D1Database, id: string): Promise<Project | null> {
  const row = await db.prepare('SELECT * FROM projects WHERE id = ?').bind(id).first<ProjectRow>();
  return row ? toProject(row) : null;
}

/** Every project, newest first. */
export async function listProjects(db: D1Database): Promise<Project[]> {
  const { results } = await db.prepare('SELECT * FROM projects ORDER BY created_at DESC').all<ProjectRow>();
  return results.map(toProject);
}

const PROJECT_COLUMNS: Record<keyof UpdateProjectRequest, string> = {
  name: 'name',
  defaultBranch: 'default_branch',
  defaultAgentType: 'default_agent_type',
  defaultVmSize: 'default_vm_size',
  defaultProvider: 'default_provider',
  egressAllowlist: 'egress_allowlist',
  dailyBudget: 'daily_budget',
  hotAgents: 'hot_agents',
  credentialsFrom: 'credentials_from',
};

/** Settings stored as JSON text. */
const JSON_SETTINGS: ReadonlySet<keyof UpdateProjectRequest> = new Set(['egressAllowlist', 'dailyBudget']);

/** Apply settings to a project. @returns the updated project, or null when it does not exist */
export async function updateProject(db: D1Database, id: string, changes: UpdateProjectRequest): Promise<Project | null> {
  const entries = (Object.keys(changes) as Array<keyof UpdateProjectRequest>).filter((key) => changes[key] !== undefined);
  const assignments = [...entries.map((key) => `${PROJECT_COLUMNS[key]} = ?`), 'updated_at = ?'].join(', ');
  await db
    .prepare(`UPDATE projects SET ${assignments} WHERE id = ?`)
    .bind(...entries.map((key) => (JSON_SETTINGS.has(key) && changes[key] !== null ? JSON.stringify(changes[key]) : (changes[key] ?? null))), new Date().toISOString(), id)
    .run();
  return getProject(db, id);
}
