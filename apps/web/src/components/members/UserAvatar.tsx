/**
 * A user's picture as their sign-in provider gave it, or — without one — the first letter of their
 * login in a circle. Decorative (`alt=""`): the login is always written beside it.
 */
import type { UserRef } from '@flotilla/contracts';

/** @param size width and height in CSS pixels (default 24) */
export function UserAvatar({ user, size = 24 }: { user: Pick<UserRef, 'login' | 'avatarUrl'>; size?: number }) {
  if (user.avatarUrl) return <img className="avatar" src={user.avatarUrl} alt="" width={size} height={size} />;
  return (
    <span className="avatar avatar-letter" aria-hidden="true" style={{ width: size, height: size, fontSize: Math.round(size * 0.5) }}>
      {user.login.slice(0, 1).toUpperCase()}
    </span>
  );
}
