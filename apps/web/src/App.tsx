/**
 * Routes: the project list, a project's chat (default), board and settings, the nodes, the
 * account (API tokens) and the users (admins); a "not found" page with a way back for any other
 * address; behind the sign-in gate when the API requires a sign-in or its token (then the header
 * has the account area: the user, "Sign out", "Sign out everywhere").
 */
import { lazy, Suspense } from 'react';
import { Link, NavLink, Route, Routes } from 'react-router';
import { SignInGate } from './components/auth/SignInGate';
import { AccountMenu } from './components/auth/AccountMenu';
import { AdminNavLink, NodesNavLink } from './components/auth/AdminNavLink';
import { NotFound } from './components/ui/NotFound';
import { AccountPage } from './pages/AccountPage';
import { NodesPage } from './pages/NodesPage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { UsersPage } from './pages/UsersPage';

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
          <NodesNavLink />
          <NavLink to="/account">Account</NavLink>
          <AdminNavLink />
        </nav>
        <AccountMenu />
      </header>
      <Routes>
        <Route path="/" element={<ProjectsPage />} />
        <Route path="/nodes" element={<NodesPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="/users" element={<UsersPage />} />
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
