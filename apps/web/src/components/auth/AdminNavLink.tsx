/** "Users" in the main navigation, for admins only (the users page: approving who waits). */
import { NavLink } from 'react-router';
import { useMe } from '../../lib/user-queries';

export function AdminNavLink() {
  const me = useMe();
  return me.data?.isAdmin ? <NavLink to="/users">Users</NavLink> : null;
}
