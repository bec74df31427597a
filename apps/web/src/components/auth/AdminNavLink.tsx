/**
 * Links of the main navigation that only the deployment's administrators can use: "Users" (the
 * users page: approving who waits), and "Nodes" — nodes are the deployment's (issue 14 item 2:
 * others get 403). The operator of local mode or the shared token has no user (`/api/me` 401) and
 * sees "Nodes" as before.
 */
import { NavLink } from 'react-router';
import { useMe } from '../../lib/user-queries';

export function AdminNavLink() {
  const me = useMe();
  return me.data?.isAdmin ? <NavLink to="/users">Users</NavLink> : null;
}

export function NodesNavLink() {
  const me = useMe();
  return me.data && !me.data.isAdmin ? null : <NavLink to="/nodes">Nodes</NavLink>;
}
