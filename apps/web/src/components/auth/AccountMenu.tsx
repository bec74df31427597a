/**
 * The header's account area: a signed-in user's login (and avatar, when the provider gave one)
 * with "Sign out" and "Sign out everywhere"; otherwise the API token's "Sign out" (when the API
 * requires its token).
 */
import { useMe } from '../../lib/user-queries';
import { SignOutButton } from './SignOutButton';
import { UserSignOut } from './UserSignOut';

export function AccountMenu() {
  const me = useMe();
  const user = me.data;
  if (!user || user.status !== 'active') return <SignOutButton />;
  return (
    <div className="account" aria-label="Account">
      <span className="account-user" title={user.email ?? undefined}>
        {user.avatarUrl && <img className="avatar" src={user.avatarUrl} alt="" width={24} height={24} />}
        <span className="account-login">{user.login}</span>
      </span>
      <UserSignOut />
    </div>
  );
}
