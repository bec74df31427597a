/**
 * Users (admins only, `/users`): everyone who signed in, those waiting for approval first, each
 * pending one with "Approve" (`POST /api/users/:userId/approve`). Others are told the page is
 * for admins (the API answers them 403).
 */
import { ApiError, errorText } from '../lib/api';
import { useApproveUser, useMe, useUsers } from '../lib/user-queries';

export function UsersPage() {
  const me = useMe();
  const admin = me.data?.isAdmin === true;
  const users = useUsers(admin);
  const approve = useApproveUser();
  return (
    <main className="page narrow users-page">
      <h1>Users</h1>
      {me.data && !admin && <p className="muted">Only an administrator can see and approve users.</p>}
      {users.isError && (
        <p role="alert" className="error">
          {users.error instanceof ApiError && users.error.status === 403 ? 'Only an administrator can see and approve users.' : `Could not load the users: ${errorText(users.error)}`}
        </p>
      )}
      {approve.isError && (
        <p role="alert" className="error">
          Could not approve: {errorText(approve.error)}
        </p>
      )}
      {users.data && (
        <ul className="user-list" aria-label="Users">
          {users.data.users.map((user) => (
            <li key={user.id} className="card user-row">
              <span className="user-who">
                <strong>{user.login}</strong>
                {user.email && <span className="muted small"> {user.email}</span>}
              </span>
              <span className="muted small">
                {user.provider === 'github' ? 'GitHub' : 'OpenID Connect'}
                {user.isAdmin ? ' · admin' : ''}
              </span>
              {user.status === 'pending' ? (
                <button type="button" className="primary" onClick={() => approve.mutate(user.id)} disabled={approve.isPending} aria-label={`Approve ${user.login}`}>
                  Approve
                </button>
              ) : (
                <span className="badge">active</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
