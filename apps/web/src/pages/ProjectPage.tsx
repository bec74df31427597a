/**
 * A project: chat view (default), board and settings, switched by tabs that are links
 * (`/projects/:id/chat/:sessionId?`, `/projects/:id/board`, `/projects/:id/settings`). Chat and
 * board stay mounted while the other is shown, so each keeps its selection and scroll position.
 */
import { useEffect, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { BoardView } from '../components/board/BoardView';
import { ChatView } from '../components/chat/ChatView';
import { SettingsView } from '../components/project/SettingsView';
import { NewWorkspaceForm } from '../components/workspace/NewWorkspaceForm';
import { NotFound } from '../components/ui/NotFound';
import { ApiError, errorText } from '../lib/api';
import { useDocumentTitle } from '../lib/document-title';
import { useProject, useSessions } from '../lib/queries';

type View = 'chat' | 'board' | 'settings';

function parseView(splat: string): { view: View | null; sessionId: string | null } {
  const [first, second] = splat.split('/');
  if (first === 'chat') return { view: 'chat', sessionId: second || null };
  if (first === 'board' || first === 'settings') return { view: first, sessionId: null };
  return { view: null, sessionId: null };
}

export function ProjectPage() {
  const params = useParams();
  const projectId = params.projectId ?? '';
  const { view, sessionId } = parseView(params['*'] ?? '');
  const project = useProject(projectId);
  const sessions = useSessions(projectId);
  // The project gone from under an open page (deleted, or the caller removed from it, issue 14
  // item 2): its sessions answer 404, and asking for the project again shows "not found".
  const sessionsGone = sessions.error instanceof ApiError && sessions.error.notFound;
  const refetchProject = project.refetch;
  useEffect(() => {
    if (sessionsGone) void refetchProject();
  }, [sessionsGone, refetchProject]);
  const openTask = view === 'chat' && sessionId ? sessions.data?.find((s) => s.id === sessionId)?.task?.title : undefined;
  const name = project.data?.name;
  const VIEW_NAMES = { chat: 'Chat', board: 'Board', settings: 'Settings' } as const;
  // The tab title: "<task title>" in an open task's chat, "Settings · <project>", "<project> · Board".
  useDocumentTitle(...(openTask ? [openTask] : view === 'settings' ? ['Settings', name] : [name, view ? VIEW_NAMES[view] : null]));
  // The session last shown in the chat view: the Chat tab leads back to it.
  const [lastSessionId, setLastSessionId] = useState<string | null>(sessionId);
  useEffect(() => {
    if (sessionId) setLastSessionId(sessionId);
  }, [sessionId]);
  // Each view is mounted the first time it is shown, or once the browser is idle after the first
  // paint, and then stays mounted: the first screen renders alone, and switching stays instant.
  const [mounted, setMounted] = useState({ chat: view === 'chat', board: view === 'board' });
  useEffect(() => {
    if (view === 'chat' || view === 'board') setMounted((m) => (m[view] ? m : { ...m, [view]: true }));
  }, [view]);
  useEffect(() => {
    const handle = window.requestIdleCallback(() => setMounted({ chat: true, board: true }), { timeout: 2_000 });
    return () => window.cancelIdleCallback(handle);
  }, []);

  if (view === null) return <Navigate to={`/projects/${projectId}/chat`} replace />;
  if (project.isError && project.error instanceof ApiError && project.error.notFound) {
    return <NotFound title="Project not found">There is no project {projectId}; it may have been deleted.</NotFound>;
  }
  if (project.isError) return <p role="alert" className="error page">Could not load the project: {errorText(project.error)}</p>;

  const base = `/projects/${projectId}`;
  const chatHref = lastSessionId ? `${base}/chat/${lastSessionId}` : `${base}/chat`;
  return (
    <main className="project">
      <div className="project-bar">
        <h1 className="project-title">{project.data?.name ?? 'Project'}</h1>
        <nav aria-label="Project views" className="tabs">
          <Tab to={chatHref} active={view === 'chat'} label="Chat" />
          <Tab to={`${base}/board`} active={view === 'board'} label="Board" />
          <Tab to={`${base}/settings`} active={view === 'settings'} label="Settings" />
        </nav>
        <NewWorkspaceForm projectId={projectId} />
      </div>
      <div className="project-body">
        {(mounted.chat || view === 'chat') && <ChatView projectId={projectId} sessionId={view === 'chat' ? sessionId : lastSessionId} active={view === 'chat'} />}
        {(mounted.board || view === 'board') && <BoardView projectId={projectId} active={view === 'board'} />}
        {view === 'settings' && project.data && <SettingsView project={project.data} />}
      </div>
    </main>
  );
}

function Tab({ to, active, label }: { to: string; active: boolean; label: string }) {
  return (
    <Link to={to} className={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>
      {label}
    </Link>
  );
}
