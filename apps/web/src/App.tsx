/**
 * Routes: the project list, a project's chat (default), board and settings, the nodes, and the
 * account (API tokens); a "not found" page with a way back for any other address;
 * behind the sign-in gate when the API requires its token (then the header has "Sign out").
 */
import { lazy, Suspense } from 'react';
import { Link, NavLink, Route, Routes } from 'react-router';
import { SignInGate } from './components/auth/SignInGate';
import { SignOutButton } from './components/auth/SignOutButton';
import { NotFound } from './components/ui/NotFound';
import { AccountPage } from './pages/AccountPage';
import { NodesPage } from './pages/NodesPage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';

// The workspace page brings xterm.js: loaded only when a workspace is opened.
const WorkspacePage = lazy(() => import('./pages/WorkspacePage').then((m) => ({ default: m.WorkspacePage })));

export function App() {
  return (
    <SignInGate>
      <AppShell />
    </SignInGate>
  );
}

function AppShell() {
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          Flotilla
        </Link>
        <nav className="topnav" aria-label="Main">
          <NavLink to="/" end>
            Projects
          </NavLink>
          <NavLink to="/nodes">Nodes</NavLink>
          <NavLink to="/account">Account</NavLink>
        </nav>
        <SignOutButton />
      </header>
      <Routes>
        <Route path="/" element={<ProjectsPage />} />
        <Route path="/nodes" element={<NodesPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="/projects/:projectId/workspaces/:workspaceId" element={
            <Suspense fallback={<p className="muted page">Loading the workspace…</p>}>
              <WorkspacePage />
            </Suspense>
          } />
        <Route path="/projects/:projectId/*" element={<ProjectPage />} />
        <Route path="*" element={<NotFound title="Page not found">There is no page at this address.</NotFound>} />
      </Routes>
    </div>
  );
}
