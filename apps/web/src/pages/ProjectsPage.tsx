/** The project list (with the caller's role where they are not its owner) and the form that creates one. */
import { useDocumentTitle } from '../lib/document-title';
import { Link } from 'react-router';
import { errorText } from '../lib/api';
import { useProjects } from '../lib/queries';
import { CreateProjectForm } from '../components/project/CreateProjectForm';
import { RoleBadge } from '../components/members/RoleBadge';

export function ProjectsPage() {
  const projects = useProjects();
  useDocumentTitle('Projects');
  return (
    <main className="page narrow">
      <h1>Projects</h1>
      {projects.isPending && <p className="muted">Loading projects…</p>}
      {projects.isError && <p role="alert" className="error">Could not load projects: {errorText(projects.error)}</p>}
      {projects.data?.length === 0 && <p className="muted">No projects yet. Create one below.</p>}
      {projects.data && projects.data.length > 0 && (
        <ul className="project-list" aria-label="Projects">
          {projects.data.map((project) => (
            <li key={project.id}>
              <Link to={`/projects/${project.id}/chat`} className="project-link">
                <span className="project-name">
                  {project.name}
                  {project.role && project.role !== 'owner' && <RoleBadge role={project.role} />}
                </span>
                <span className="muted small">
                  {project.repoUrl} · {project.defaultBranch} · {project.defaultAgentType}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <CreateProjectForm />
    </main>
  );
}
