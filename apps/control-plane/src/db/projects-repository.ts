/** D1 access to `projects`. */
import { newId, type AgentType, type CreateProjectRequest, type Project } from '@flotilla/contracts';

interface ProjectRow {
  id: string;
  name: string;
  repo_url: string;
  default_branch: string;
  default_agent_type: string;
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertProject(db: D1Database, input: CreateProjectRequest, defaults: { agentType: AgentType }): Promise<Project> {
  const now = new Date().toISOString();
  const row: ProjectRow = {
    id: newId('prj'),
    name: input.name,
    repo_url: input.repoUrl,
    default_branch: input.defaultBranch ?? 'main',
    default_agent_type: input.defaultAgentType ?? defaults.agentType,
    created_at: now,
    updated_at: now,
  };
  await db
    .prepare('INSERT INTO projects (id, name, repo_url, default_branch, default_agent_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .bind(row.id, row.name, row.repo_url, row.default_branch, row.default_agent_type, row.created_at, row.updated_at)
    .run();
  return toProject(row);
}

export async function getProject(db: D1Database, id: string): Promise<Project | null> {
  const row = await db.prepare('SELECT * FROM projects WHERE id = ?').bind(id).first<ProjectRow>();
  return row ? toProject(row) : null;
}

export async function listProjects(db: D1Database): Promise<Project[]> {
  const { results } = await db.prepare('SELECT * FROM projects ORDER BY created_at DESC').all<ProjectRow>();
  return results.map(toProject);
}
